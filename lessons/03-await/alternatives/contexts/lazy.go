package future

import (
	"context"
	"sync/atomic"
)

// Lazy returns a future whose work does not start until it is first
// awaited. An atomic flag, rather than f.once, picks the one Await that
// starts it.
func Lazy[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	work, cancel := context.WithCancel(ctx)
	f := &Future[T]{done: make(chan struct{}), cancel: cancel}
	var started atomic.Bool
	f.start = func() {
		if started.CompareAndSwap(false, true) {
			go f.run(work, cancel, fn)
		}
	}
	return f
}
