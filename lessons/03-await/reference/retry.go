package future

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Retry calls fn until it succeeds, and returns its value. After each
// failed attempt it waits on clk before the next one:
//
//   - the delay after the n-th failure is b.Initial doubled n-1 times, and
//     never more than b.Max (so it never overflows either, however many
//     attempts failed);
//   - with b.Jitter set, the wait is half the delay plus a random part drawn
//     with b.Jitter.Int64N(int64(delay/2) + 1); without, it is the delay.
//
// Retry stops:
//
//   - when fn succeeds;
//   - at ctx's deadline (measured on clk: make it with clk.WithTimeout): a
//     wait that would not end before the deadline (one that would end
//     exactly at it included) is not started; Retry returns the last
//     attempt's error at once, wrapped;
//   - when ctx ends, while it waits or during an attempt (an attempt that
//     ran past the deadline, say): it returns ctx.Err(), with the last
//     attempt's error wrapped beside it.
//
// Whichever way it returns, Retry leaves no timer armed on clk.
func Retry[T any](ctx context.Context, clk clock.Clock, b Backoff, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		value, err := fn(ctx)
		if err == nil {
			return value, nil
		}
		if ctx.Err() != nil {
			return zero, fmt.Errorf("%w (attempt %d failed: %w)", ctx.Err(), attempt, err)
		}

		wait := b.wait(attempt)
		if deadline, ok := ctx.Deadline(); ok && !clk.Now().Add(wait).Before(deadline) {
			return zero, fmt.Errorf("future: gave up after %d attempts, the next wait (%v) would pass the deadline: %w", attempt, wait, err)
		}
		timer := clk.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return zero, fmt.Errorf("%w (attempt %d failed: %w)", ctx.Err(), attempt, err)
		}
	}
}

// delay is the backoff after the n-th failed attempt (n >= 1): b.Initial
// doubled n-1 times, at most b.Max.
func (b Backoff) delay(n int) time.Duration {
	d := b.Initial
	for i := 1; i < n; i++ {
		if d > b.Max/2 { // doubling would pass Max, and far enough, overflow
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

// wait is how long Retry waits after the n-th failed attempt: the delay,
// its second half drawn at random when b.Jitter is set.
func (b Backoff) wait(n int) time.Duration {
	d := b.delay(n)
	if b.Jitter == nil {
		return d
	}
	half := d / 2
	return half + time.Duration(b.Jitter.Int64N(int64(half)+1))
}
