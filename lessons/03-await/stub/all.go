package future

import "context"

// All awaits every future in fs and returns their values, in the order of
// fs (none at all, at once, for no future): the counterpart of tokio's join!. The futures run side by side, so
// All takes as long as the slowest of them, not the sum of them all: a lazy
// future must be started before All waits for any other.
//
// All waits for every future, even after one failed; the error it returns
// then joins (errors.Join) the errors of the futures that failed, and the
// values of the others are still there. If ctx ends first, All returns
// ctx.Err() at once and cancels every future: like join!, it owns them, and
// nobody will read their results any more.
func All[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	// TODO(await): start every future (f.begin), then await each; join the errors.
	panic("TODO(await): implement All in solutions/future/all.go")
}
