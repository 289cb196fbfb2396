package future

import "context"

// Lazy returns a future whose work, fn, does not start until the future is
// first awaited: Rust's semantics, where a future that nobody polls does
// nothing at all. Until then Lazy costs no goroutine and fn is not called.
// The first Await starts fn on a goroutine of its own, with a context
// derived from ctx (not from the Await's: an Await that gives up does not
// stop the work); every later Await waits for that same run. f.Cancel
// cancels the work's context, whether it started or not.
func Lazy[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	ctx, cancel := context.WithCancel(ctx)
	f := &Future[T]{done: make(chan struct{}), cancel: cancel}
	f.start = func() {
		f.once.Do(func() {
			go func() {
				defer cancel()
				f.value, f.err = fn(ctx)
				close(f.done)
			}()
		})
	}
	return f
}
