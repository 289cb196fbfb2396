package future

import "context"

// Go starts fn on a goroutine of its own, at once, and returns the future of
// its result: the Go counterpart of tokio::spawn, whose JoinHandle is a
// future. fn runs with a context derived from ctx, which f.Cancel cancels;
// once fn has returned, that context is cancelled too, to release it.
//
// Fill in every field of the Future (future.go says what each is for): the
// goroutine sets value and err, then closes done.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	// TODO(await): derive a cancellable context, start fn on a goroutine, record its result, close done.
	panic("TODO(await): implement Go in solutions/future/await.go")
}

// Await waits for f's result, like .await in Rust, and returns it. If ctx
// ends first, Await returns ctx.Err() at once; f's work goes on, and a later
// Await can still collect its result. Awaiting a finished future returns its
// result again, as many times as you like.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	f.begin() // a lazy future starts on its first Await (lazy.go); the others started already
	// TODO(await): wait for f.done or for the end of ctx, whichever comes first.
	panic("TODO(await): implement Await in solutions/future/await.go")
}

// Ready returns a future that is already done, with value and err: the
// counterpart of std::future::ready. Awaiting it never waits.
func Ready[T any](value T, err error) *Future[T] {
	// TODO(await): build a Future whose done channel is already closed.
	panic("TODO(await): implement Ready in solutions/future/await.go")
}

// Map returns the future of fn applied to f's value. It starts at once, on
// a goroutine of its own, like Go, with a context derived from ctx: it
// awaits f, then calls fn. If f fails, the new future fails with f's error
// and fn is not called.
func Map[T, U any](ctx context.Context, f *Future[T], fn func(T) (U, error)) *Future[U] {
	// TODO(await): Go, awaiting f and applying fn to its value.
	panic("TODO(await): implement Map in solutions/future/await.go")
}
