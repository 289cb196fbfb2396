package future

import (
	"context"

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
//
// Wait on clk, never on package time: the specs give you a fake clock and
// move it themselves.
func Retry[T any](ctx context.Context, clk clock.Clock, b Backoff, fn func(context.Context) (T, error)) (T, error) {
	// TODO(await): loop: call fn; on failure compute the wait, check the deadline, wait on clk or ctx.
	panic("TODO(await): implement Retry in solutions/future/retry.go")
}
