// Package guard runs one step of a spec on a goroutine of its own, so that
// the step's caller can give up on it at a deadline of its choosing, say
// why, and move on: a step blocked outside the spec's own waits then ends
// in a failure that explains itself rather than in the test framework's
// terse timeout, or in a suite that never ends.
//
// It is a package of its own so that the goroutines it starts are easy to
// tell from the harness's and the learner's (their creator is
// autoroute/internal/harness/guard.Run).
package guard

import (
	"context"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Outcome is how a step ended.
type Outcome struct {
	Returned  bool   // the step returned normally
	Panic     any    // what it panicked with, if it panicked
	Stack     string // the stack where it panicked
	Goexit    bool   // it called runtime.Goexit
	Abandoned bool   // it was still running at the deadline
	Goroutine int    // the goroutine it ran on
}

// Run runs step on a goroutine of its own and waits until it ends or until
// deadline. At the deadline it calls stuck (with the step's goroutine),
// cancels the step's context, and waits up to grace more for the step to
// end; a step still running then is abandoned.
func Run(ctx context.Context, step func(context.Context), deadline time.Time, grace time.Duration, stuck func(goroutine int)) Outcome {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ended := make(chan Outcome, 1)
	started := make(chan int, 1)
	go func() {
		o := Outcome{Goroutine: currentGoroutine()}
		started <- o.Goroutine
		finished := false
		defer func() {
			if r := recover(); r != nil {
				o.Panic, o.Stack = r, string(debug.Stack())
			} else if !finished {
				o.Goexit = true
			}
			o.Returned = finished
			ended <- o
		}()
		step(ctx)
		finished = true
	}()
	id := <-started
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case o := <-ended:
		return o
	case <-timer.C:
	}
	stuck(id)
	cancel()
	select {
	case o := <-ended:
		o.Abandoned = true
		return o
	case <-time.After(grace):
		return Outcome{Abandoned: true, Goroutine: id}
	}
}

// currentGoroutine is the number of the calling goroutine, as stack dumps
// show it.
func currentGoroutine() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	field := strings.Fields(strings.TrimPrefix(string(buf[:n]), "goroutine "))
	if len(field) == 0 {
		return 0
	}
	id, _ := strconv.Atoi(field[0])
	return id
}
