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
	capacity = max(capacity, 1)
	var held []T
	for in != nil || len(held) > 0 {
		// Switch off the cases that cannot run this turn: a nil channel's
		// case is never chosen.
		receive := in
		if len(held) >= capacity {
			receive = nil // full: let the producer wait
		}
		var send chan<- T
		var next T
		if len(held) > 0 {
			send, next = out, held[0]
		}
		select {
		case v, ok := <-receive:
			if !ok {
				in = nil
				continue
			}
			held = append(held, v)
		case send <- next:
			held = held[1:]
		case <-ctx.Done():
			return held, ctx.Err()
		}
	}
	return nil, nil
}
