package harness

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/gleak"
)

// BlockedIn returns a wait, for Call.WaitFor (or a wait of the spec's own),
// that ends once at least n goroutines started since the spec began are
// blocked (on a channel, in a select, on a lock or a WaitGroup: see Blocked)
// with frame on their stack. frame is a function of package pkg as a stack
// shows it, such as "(*Executor).Spawn" or "(*Set[...]).Shutdown": n calls
// of Spawn known to be waiting for room, say. An empty frame counts the
// goroutines that pkg started instead (an executor's idle lanes).
//
// The runtime does not announce that a goroutine blocked, so the wait looks
// at the goroutines' states again and again, from every 20µs to every
// millisecond, until the fact holds: a fact about the code, not a guess at
// how long it takes. If ctx ends first, the error says how many were
// blocked and lists the goroutines seen there.
func BlockedIn(pkg string, n int, frame string) func(context.Context) error {
	where := pkg + "." + frame
	if frame == "" {
		where = "the goroutines " + pkg + " started"
	}
	return func(ctx context.Context) error {
		old := map[uint64]bool{}
		if snapshot := before.Load(); snapshot != nil {
			for _, g := range *snapshot {
				old[g.ID] = true
			}
		}
		pause := 20 * time.Microsecond
		for {
			var seen []gleak.Goroutine
			count := 0
			for _, g := range gleak.Goroutines() {
				if old[g.ID] {
					continue // from before the spec: not its business
				}
				ours := strings.Contains(g.Backtrace, pkg+"."+frame)
				if frame == "" {
					ours = strings.HasPrefix(g.CreatorFunction, pkg+".")
				}
				if !ours {
					continue
				}
				seen = append(seen, g)
				if Blocked(g.State) {
					count++
				}
			}
			if count >= n {
				return nil
			}
			select {
			case <-ctx.Done():
				var list strings.Builder
				for _, g := range seen {
					fmt.Fprintf(&list, "  goroutine %d [%s]: %s\n", g.ID, g.State, g.TopFunction)
				}
				if list.Len() == 0 {
					list.WriteString("  (none)\n")
				}
				return fmt.Errorf("%d goroutine(s) were blocked in %s; these were seen there:\n%s", count, where, list.String())
			case <-time.After(pause):
				pause = min(2*pause, time.Millisecond)
			}
		}
	}
}

// Blocked reports whether a goroutine in state (as a stack dump shows it)
// waits for another goroutine to act: on a channel, in a select, on a lock
// or a WaitGroup. A goroutine that is running, runnable, asleep on the real
// clock, or held for an instant by the runtime itself (the garbage
// collector's "semacquire", say) is not.
func Blocked(state string) bool {
	for _, waiting := range []string{"chan receive", "chan send", "select", "sync.WaitGroup.Wait", "sync.Mutex.Lock", "sync.RWMutex.", "sync.Cond.Wait"} {
		if strings.HasPrefix(state, waiting) {
			return true
		}
	}
	return false
}
