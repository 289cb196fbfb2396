package future

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Timeout awaits f for at most d, measured on clk: an AfterFunc of clk's
// closes a channel when the time is up.
func Timeout[T any](ctx context.Context, clk clock.Clock, d time.Duration, f *Future[T]) (T, error) {
	f.begin()
	select {
	case <-f.Done():
		return f.value, f.err
	default:
	}
	up := make(chan struct{})
	alarm := clk.AfterFunc(d, func() { close(up) })
	var zero T
	select {
	case <-f.Done():
		alarm.Stop()
		return f.value, f.err
	case <-up:
		f.Cancel()
		return zero, fmt.Errorf("%w: no result within %v", ErrTimeout, d)
	case <-ctx.Done():
		alarm.Stop()
		f.Cancel()
		return zero, ctx.Err()
	}
}
