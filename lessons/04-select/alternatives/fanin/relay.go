package choose

import "context"

// Relay holds the values in transit in a ring of capacity places.
func Relay[T any](ctx context.Context, in <-chan T, out chan<- T, capacity int) ([]T, error) {
	ring := make([]T, max(capacity, 1))
	head, n := 0, 0 // the oldest value is ring[head]; n values are held
	for in != nil || n > 0 {
		var receive <-chan T
		if n < len(ring) {
			receive = in
		}
		var send chan<- T
		var next T
		if n > 0 {
			send, next = out, ring[head]
		}
		select {
		case <-ctx.Done():
			held := make([]T, n)
			for i := range held {
				held[i] = ring[(head+i)%len(ring)]
			}
			return held, ctx.Err()
		case v, ok := <-receive:
			if !ok {
				in = nil
				continue
			}
			ring[(head+n)%len(ring)] = v
			n++
		case send <- next:
			var zero T
			ring[head] = zero
			head = (head + 1) % len(ring)
			n--
		}
	}
	return nil, nil
}
