package choose

import (
	"context"
	"sync"
)

// Merge fans in: one goroutine per open input forwards its values, and a
// last goroutine closes the output once they have all ended.
func Merge[T any](ctx context.Context, chs ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, ch := range chs {
		if ch == nil {
			continue // switched off: it will never send, nor close
		}
		wg.Go(func() {
			for {
				select {
				case v, ok := <-ch:
					if !ok {
						return
					}
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
