package choose

import "context"

// Relay moves values from in to out, in order, holding up to capacity of
// them when out is not ready: an elastic buffer between a producer and a
// consumer that do not run at the same pace. A capacity below 1 counts as 1.
//
//   - It receives from in whenever it holds fewer than capacity values, and
//     sends to out whenever it holds one: both at once, in one select.
//   - Once in is closed and every value it received is delivered, it
//     returns nil, nil. It does not close out.
//   - When ctx ends it returns at once, with ctx.Err() and the values it
//     received but did not deliver, in order. A value Relay received is
//     Relay's to account for: it is delivered or handed back, never lost.
//
// While it can do nothing, Relay blocks: it must not spin in a loop.
func Relay[T any](ctx context.Context, in <-chan T, out chan<- T, capacity int) ([]T, error) {
	// TODO(select): loop over one select that receives (while there is room), sends the oldest held value, or returns the held values when ctx ends.
	panic("TODO(select): implement Relay in solutions/choose/relay.go")
}
