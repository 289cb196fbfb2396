package executor

import "context"

// BlockOn runs f as a task on e and waits for its result, like tokio's
// Runtime::block_on. It returns f's value and error; ErrTaskPanicked if f
// panicked; ctx.Err() as soon as ctx ends; or Spawn's error if the task
// could not be queued.
//
// f's context is cancelled when the executor cancels its tasks or when ctx
// ends, so a caller that gives up does not leave f running for nothing.
func BlockOn[T any](ctx context.Context, e *Executor, f func(context.Context) (T, error)) (T, error) {
	type result struct {
		value T
		err   error
	}
	// Buffered, so the task can always hand in its result and end, even
	// when the caller stopped waiting for it.
	results := make(chan result, 1)
	err := e.Spawn(ctx, func(taskCtx context.Context) {
		taskCtx, cancel := context.WithCancel(taskCtx)
		defer cancel()
		stop := context.AfterFunc(ctx, cancel)
		defer stop()

		finished := false
		defer func() {
			if !finished { // f panicked: the lane recovers it, we report it
				results <- result{err: ErrTaskPanicked}
			}
		}()
		value, err := f(taskCtx)
		finished = true
		results <- result{value, err}
	})
	if err != nil {
		var zero T
		return zero, err
	}
	select {
	case r := <-results:
		return r.value, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
