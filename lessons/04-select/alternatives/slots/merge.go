package choose

import (
	"context"
	"sync/atomic"
)

// Merge starts one goroutine per open input; an atomic count of the inputs
// still forwarding lets the last one to finish close the output.
func Merge[T any](ctx context.Context, chs ...<-chan T) <-chan T {
	out := make(chan T)
	var open []<-chan T
	for _, ch := range chs {
		if ch != nil {
			open = append(open, ch)
		}
	}
	if len(open) == 0 {
		close(out)
		return out
	}
	var left atomic.Int64
	left.Store(int64(len(open)))
	for _, ch := range open {
		go func() {
			defer func() {
				if left.Add(-1) == 0 {
					close(out)
				}
			}()
			for {
				var v T
				var ok bool
				select {
				case v, ok = <-ch:
				case <-ctx.Done():
					return
				}
				if !ok {
					return
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return out
}
