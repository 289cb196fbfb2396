package future

import (
	"context"
	"fmt"
	"math/bits"
	"time"

	"autoroute/fakes/clock"
)

// Retry calls fn until it succeeds, waiting between attempts on a deadline
// context of clk's rather than a timer.
func Retry[T any](ctx context.Context, clk clock.Clock, b Backoff, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	deadline, hasDeadline := ctx.Deadline()
	for failures := 1; ; failures++ {
		value, err := fn(ctx)
		switch {
		case err == nil:
			return value, nil
		case ctx.Err() != nil:
			return zero, fmt.Errorf("retry stopped after attempt %d (%w): %w", failures, err, ctx.Err())
		}
		wait := pause(b, failures)
		if hasDeadline && clk.Until(deadline) <= wait {
			return zero, fmt.Errorf("retry gave up: attempt %d failed and a wait of %v would reach the deadline: %w", failures, wait, err)
		}
		nap, wake := clk.WithTimeout(ctx, wait)
		<-nap.Done()
		wake()
		if ctx.Err() != nil {
			return zero, fmt.Errorf("retry stopped while waiting after attempt %d (%w): %w", failures, err, ctx.Err())
		}
	}
}

// pause is the wait after the n-th failure: Initial shifted left n-1
// times, unless that would pass Max (checked before shifting, so nothing
// overflows), then half fixed and half drawn when there is jitter.
func pause(b Backoff, n int) time.Duration {
	d := b.Max
	if shift := n - 1; shift < bits.LeadingZeros64(uint64(b.Initial))-1 && b.Initial<<shift < b.Max {
		d = b.Initial << shift
	}
	if b.Jitter != nil {
		half := d / 2
		d = half + time.Duration(b.Jitter.Int64N(int64(half)+1))
	}
	return d
}
