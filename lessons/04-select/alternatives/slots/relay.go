package choose

import "context"

// Relay keeps the oldest value it holds in head and the others in a
// buffered channel of capacity-1 places, which keeps them in order.
func Relay[T any](ctx context.Context, in <-chan T, out chan<- T, capacity int) ([]T, error) {
	capacity = max(capacity, 1)
	var (
		head    T
		hasHead bool
		rest    = make(chan T, capacity-1)
	)
	held := func() int {
		if !hasHead {
			return 0
		}
		return 1 + len(rest)
	}
	for in != nil || hasHead {
		var receive <-chan T
		if held() < capacity {
			receive = in
		}
		var send chan<- T
		if hasHead {
			send = out
		}
		select {
		case <-ctx.Done():
			var back []T
			if hasHead {
				back = append(back, head)
			}
			for len(rest) > 0 {
				back = append(back, <-rest)
			}
			return back, ctx.Err()
		case v, ok := <-receive:
			switch {
			case !ok:
				in = nil
			case !hasHead:
				head, hasHead = v, true
			default:
				rest <- v // there is room: held() < capacity
			}
		case send <- head:
			if len(rest) > 0 {
				head = <-rest
			} else {
				var zero T
				head, hasHead = zero, false
			}
		}
	}
	return nil, nil
}
