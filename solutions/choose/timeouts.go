package choose

import (
	"context"
	"time"

	"autoroute/fakes/clock"
)

// Recv receives one value from ch, waiting at most d measured on clk: the
// counterpart of tokio::time::timeout around rx.recv(). The time starts when
// Recv is called.
//
//   - If a value comes before d has passed, Recv returns it.
//   - If ch is closed first, Recv returns an error matching ErrClosed.
//   - Once d has passed, Recv returns an error matching ErrTimeout.
//   - If ctx ends first, Recv returns ctx.Err().
//
// Wait on clk, never on package time: the specs give you a fake clock and
// move it themselves.
func Recv[T any](ctx context.Context, clk clock.Clock, d time.Duration, ch <-chan T) (T, error) {
	// TODO(select): select on ch, a timer of d on clk, and ctx.Done(); stop the timer.
	panic("TODO(select): implement Recv in solutions/choose/timeouts.go")
}

// Watch watches a heartbeat. It ticks every period on a ticker of clk, and at
// every tick it calls report with the number of periods in a row that went
// by without a beat on beats: 0 if a beat came since the previous tick, 1
// for a first missed beat, 2 for a second one in a row, and so on. A beat
// starts the count again.
//
// Watch returns nil once beats is closed, and ctx.Err() when ctx ends.
// Either way it stops its ticker before it returns.
func Watch(ctx context.Context, clk clock.Clock, period time.Duration, beats <-chan struct{}, report func(missed int)) error {
	// TODO(select): loop over a select on beats, a ticker of clk, and ctx.Done(); stop the ticker when you return.
	panic("TODO(select): implement Watch in solutions/choose/timeouts.go")
}

// Debounce returns a channel that carries, of each burst of values on in,
// only the last one, once no new value has come for quiet (measured on clk):
// a search box that waits for the user to stop typing.
//
//   - Each value that comes starts the quiet period again.
//   - When in is closed, a value still waiting is sent at once, then the
//     returned channel is closed.
//   - When ctx ends, Debounce drops what waits and closes the channel.
//
// Either way its timer is stopped and its goroutine ends.
func Debounce[T any](ctx context.Context, clk clock.Clock, quiet time.Duration, in <-chan T) <-chan T {
	// TODO(select): start one goroutine that (re)arms a timer of quiet on clk at each value and sends the latest value when it fires.
	panic("TODO(select): implement Debounce in solutions/choose/timeouts.go")
}
