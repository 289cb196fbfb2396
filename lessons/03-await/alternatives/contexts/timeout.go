package future

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Timeout awaits f for at most d, measured on clk, with a deadline context
// of clk's in place of a timer.
func Timeout[T any](ctx context.Context, clk clock.Clock, d time.Duration, f *Future[T]) (T, error) {
	f.begin()
	if isDone(f.done) {
		return f.value, f.err
	}
	limit, release := clk.WithTimeout(ctx, d)
	defer release()
	select {
	case <-f.done:
		return f.value, f.err
	case <-limit.Done():
	}
	f.Cancel()
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err // the caller's own context ended, not our limit
	}
	return zero, fmt.Errorf("waited %v: %w", d, ErrTimeout)
}

// isDone reports, without blocking, whether done is closed.
func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}
