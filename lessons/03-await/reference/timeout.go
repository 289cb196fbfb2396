package future

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Timeout awaits f for at most d, measured on clk: the counterpart of
// tokio::time::timeout. The time starts when Timeout is called.
//
//   - If f finishes before d has passed, Timeout returns f's value and
//     error. A future that is already done returns its result whatever d is,
//     even zero: there is nothing to wait for (tokio's timeout promises the
//     same).
//   - Once d has passed, Timeout returns an error matching ErrTimeout.
//   - If ctx ends first, Timeout returns ctx.Err().
//
// Timeout owns f: when it gives up, either way, it cancels f, whose result
// nobody will read. A lazy f is started, and timed, from the call. Whichever
// way Timeout returns, it leaves no timer armed on clk.
func Timeout[T any](ctx context.Context, clk clock.Clock, d time.Duration, f *Future[T]) (T, error) {
	f.begin()
	// A select with several ready cases picks one at random: check first
	// whether f is already done, so that a finished future always wins.
	select {
	case <-f.done:
		return f.value, f.err
	default:
	}

	timer := clk.NewTimer(d)
	defer timer.Stop()
	var zero T
	select {
	case <-f.done:
		return f.value, f.err
	case <-timer.C:
		f.Cancel() // the work is abandoned: stop it, or its goroutine runs on for nothing
		return zero, fmt.Errorf("%w after %v", ErrTimeout, d)
	case <-ctx.Done():
		f.Cancel()
		return zero, ctx.Err()
	}
}
