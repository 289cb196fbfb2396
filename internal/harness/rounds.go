package harness

import (
	"iter"
	"time"
)

// Rounds yields round numbers for a spec that hunts races by repetition:
// at least `least` rounds, then more up to `most` while less than a quarter of
// the spec's budget is spent. A correct solution passes however many
// rounds run; a loaded machine runs fewer of them instead of running out
// of budget, and a quiet one runs them all. Real time only bounds the
// work here: no spec waits on it.
func Rounds(least, most int) iter.Seq[int] {
	return func(yield func(int) bool) {
		start := time.Now()
		if s := nodeStart.Load(); s != nil {
			start = *s
		}
		enough := start.Add(Budget / 4)
		for round := 0; round < most; round++ {
			if round >= least && time.Now().After(enough) {
				return
			}
			if !yield(round) {
				return
			}
		}
	}
}
