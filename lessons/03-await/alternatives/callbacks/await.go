package future

import "context"

// This alternative is built on callbacks and one select over everything:
// Timeout and Retry arm clk.AfterFunc and stop it when they are done;
// TryAll waits on every future at once with reflect.Select, starting no
// goroutine; All gathers indexed outcomes on a channel; Lazy starts under
// a mutex; Map is a lazy future started at once.

// Go starts fn on a goroutine of its own, at once, and returns the future of
// its result. fn runs with a context derived from ctx, which f.Cancel
// cancels.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	f, launch := prepare(ctx, fn)
	launch()
	return f
}

// prepare builds the future of fn and the function that starts its work.
func prepare[T any](ctx context.Context, fn func(context.Context) (T, error)) (*Future[T], func()) {
	work, cancel := context.WithCancel(ctx)
	f := &Future[T]{done: make(chan struct{}), cancel: cancel}
	launch := func() {
		go func() {
			defer close(f.done) // deferred first, so it runs last: after the result is stored
			defer cancel()
			f.value, f.err = fn(work)
		}()
	}
	return f, launch
}

// Await waits for f's result, or for the end of ctx.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	f.begin() // a lazy future starts on its first Await (lazy.go); the others started already
	var zero T
	select {
	case <-f.Done():
		return f.value, f.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Ready returns a future that is already done, with value and err.
func Ready[T any](value T, err error) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	f.value, f.err = value, err
	close(f.done)
	return f
}

// Map returns the future of fn applied to f's value: a lazy future, started
// at once.
func Map[T, U any](ctx context.Context, f *Future[T], fn func(T) (U, error)) *Future[U] {
	m := Lazy(ctx, func(ctx context.Context) (U, error) {
		v, err := f.Await(ctx)
		if err != nil {
			return *new(U), err
		}
		return fn(v)
	})
	m.begin()
	return m
}
