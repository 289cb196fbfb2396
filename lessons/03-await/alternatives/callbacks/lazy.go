package future

import (
	"context"
	"sync"
)

// Lazy returns a future whose work does not start until it is first
// awaited; a mutex and a flag pick the Await that starts it.
func Lazy[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	f, launch := prepare(ctx, fn)
	var (
		mu      sync.Mutex
		started bool
	)
	f.start = func() {
		mu.Lock()
		defer mu.Unlock()
		if !started {
			started = true
			launch()
		}
	}
	return f
}
