package future

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Retry calls fn until it succeeds. Between attempts an AfterFunc of clk's
// wakes it; it is stopped if ctx ends first.
func Retry[T any](ctx context.Context, clk clock.Clock, b Backoff, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	delay := b.Initial
	for n := 1; ; n++ {
		if delay > b.Max {
			delay = b.Max
		}
		value, err := fn(ctx)
		if err == nil {
			return value, nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return zero, fmt.Errorf("future: retry: %w after attempt %d: %w", cerr, n, err)
		}
		wait := delay
		if b.Jitter != nil {
			wait = delay/2 + time.Duration(b.Jitter.Int64N(int64(delay/2)+1))
		}
		if deadline, ok := ctx.Deadline(); ok && !deadline.After(clk.Now().Add(wait)) {
			return zero, fmt.Errorf("future: retry: no time left for a wait of %v after attempt %d: %w", wait, n, err)
		}
		wake := make(chan struct{})
		alarm := clk.AfterFunc(wait, func() { close(wake) })
		select {
		case <-wake:
		case <-ctx.Done():
			alarm.Stop()
			return zero, fmt.Errorf("future: retry: %w while waiting after attempt %d: %w", ctx.Err(), n, err)
		}
		// Double for next time, without passing Max: comparing with what
		// is left below Max cannot overflow.
		if delay >= b.Max-delay {
			delay = b.Max
		} else {
			delay *= 2
		}
	}
}
