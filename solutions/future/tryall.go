package future

import "context"

// TryAll awaits every future in fs, like All, but fails fast: the
// counterpart of tokio's try_join!. As soon as one future fails, whichever
// it is in fs, TryAll cancels all the others and returns that error at
// once, without waiting for the slower ones. When every future succeeds, it
// returns their values in the order of fs (none at all for no future: it
// returns at once). If ctx ends first, it returns ctx.Err() at once and
// cancels every future.
//
// Awaiting the futures one after another cannot work: the one that fails
// may be the last in fs. Wait for all of them at once.
func TryAll[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	// TODO(await): wait for every future at once; at the first error, cancel the others and return it.
	panic("TODO(await): implement TryAll in solutions/future/tryall.go")
}
