package future

import "context"

// Lazy returns a future whose work, fn, does not start until the future is
// first awaited: Rust's semantics, where a future that nobody polls does
// nothing at all. Until then Lazy costs no goroutine and fn is not called.
// The first Await starts fn on a goroutine of its own, with a context
// derived from ctx (not from the Await's: an Await that gives up does not
// stop the work); every later Await waits for that same run. f.Cancel
// cancels the work's context, whether it started or not.
//
// Await calls f.begin(), which calls f.start if it is set: that is your
// hook. Many Awaits may call it at once.
func Lazy[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	// TODO(await): return a Future whose start func runs fn on a goroutine, the first time only.
	panic("TODO(await): implement Lazy in solutions/future/lazy.go")
}
