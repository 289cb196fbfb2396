package future

import "context"

// This alternative waits with contexts rather than timers: Timeout and Retry
// arm a deadline context on the clock (clk.WithTimeout) and wait for it to
// end; All runs one goroutine per future under a sync.WaitGroup; TryAll
// records the first error under a mutex; Lazy starts with an atomic flag.

// Go starts fn on a goroutine of its own, at once, and returns the future of
// its result. fn runs with a context derived from ctx, which f.Cancel
// cancels.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	work, cancel := context.WithCancel(ctx)
	f := &Future[T]{done: make(chan struct{}), cancel: cancel}
	go f.run(work, cancel, fn)
	return f
}

// run does f's work and publishes its result: value and err first, then the
// close that every Await waits for.
func (f *Future[T]) run(ctx context.Context, release context.CancelFunc, fn func(context.Context) (T, error)) {
	value, err := fn(ctx)
	release()
	f.value, f.err = value, err
	close(f.done)
}

// Await waits for f's result, or for the end of ctx.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	f.begin() // a lazy future starts on its first Await (lazy.go); the others started already
	if ctx.Err() == nil {
		select {
		case <-f.done:
			return f.value, f.err
		case <-ctx.Done():
		}
	}
	// ctx has ended; a result already there still counts as late.
	var zero T
	return zero, ctx.Err()
}

// Ready returns a future that is already done, with value and err.
func Ready[T any](value T, err error) *Future[T] {
	done := make(chan struct{})
	close(done)
	return &Future[T]{done: done, value: value, err: err}
}

// Map returns the future of fn applied to f's value, started at once.
func Map[T, U any](ctx context.Context, f *Future[T], fn func(T) (U, error)) *Future[U] {
	f.begin()
	return Go(ctx, func(ctx context.Context) (U, error) {
		var zero U
		select {
		case <-f.Done():
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		if f.err != nil {
			return zero, f.err
		}
		return fn(f.value)
	})
}
