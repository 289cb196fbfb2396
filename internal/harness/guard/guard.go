// Package guard watches one step of a spec: past a deadline of the
// caller's choosing, and before the test framework's own timeout cuts the
// step short with a terse message, it calls the caller back, so that the
// caller can record where the learner's code is stuck while it still is.
//
// The step itself runs where it always does, on the framework's goroutine:
// only the watch runs on a goroutine of its own. It is a package of its own
// so that those goroutines are easy to tell from the harness's and the
// learner's (their creator is autoroute/internal/harness/guard.Watch).
package guard

import (
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Watch calls fire once deadline has passed, unless stop is called first.
// stop returns only once the watch is over: fire has returned, or will
// never be called.
func Watch(deadline time.Time, fire func()) (stop func()) {
	stopped := make(chan struct{})
	over := make(chan struct{})
	go func() {
		defer close(over)
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		select {
		case <-stopped:
		case <-timer.C:
			fire()
		}
	}()
	return func() {
		close(stopped)
		<-over
	}
}

// Goroutine is the number of the calling goroutine, as stack dumps show
// it.
func Goroutine() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	field := strings.Fields(strings.TrimPrefix(string(buf[:n]), "goroutine "))
	if len(field) == 0 {
		return 0
	}
	id, _ := strconv.Atoi(field[0])
	return id
}
