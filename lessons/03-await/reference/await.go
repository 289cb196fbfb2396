package future

import "context"

// Go starts fn on a goroutine of its own, at once, and returns the future of
// its result: the Go counterpart of tokio::spawn, whose JoinHandle is a
// future. fn runs with a context derived from ctx, which f.Cancel cancels;
// once fn has returned, that context is cancelled too, to release it.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	ctx, cancel := context.WithCancel(ctx)
	f := &Future[T]{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer cancel() // the work is over: release its context
		f.value, f.err = fn(ctx)
		close(f.done) // after value and err are set: every Await may read them
	}()
	return f
}

// Await waits for f's result, like .await in Rust, and returns it. If ctx
// ends first, Await returns ctx.Err() at once; f's work goes on, and a later
// Await can still collect its result. Awaiting a finished future returns its
// result again, as many times as you like.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	f.begin() // a lazy future starts on its first Await (lazy.go); the others started already
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// Ready returns a future that is already done, with value and err: the
// counterpart of std::future::ready. Awaiting it never waits.
func Ready[T any](value T, err error) *Future[T] {
	f := &Future[T]{done: make(chan struct{}), value: value, err: err}
	close(f.done)
	return f
}

// Map returns the future of fn applied to f's value. It starts at once, on
// a goroutine of its own, like Go, with a context derived from ctx: it
// awaits f, then calls fn. If f fails, the new future fails with f's error
// and fn is not called.
func Map[T, U any](ctx context.Context, f *Future[T], fn func(T) (U, error)) *Future[U] {
	return Go(ctx, func(ctx context.Context) (U, error) {
		value, err := f.Await(ctx)
		if err != nil {
			var zero U
			return zero, err
		}
		return fn(value)
	})
}
