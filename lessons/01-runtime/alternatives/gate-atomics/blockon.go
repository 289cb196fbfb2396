package executor

import "context"

// BlockOn runs f as a task on e and waits for its result. It returns f's
// value and error; ErrTaskPanicked if f panicked; ctx.Err() as soon as ctx
// ends; or Spawn's error if the task could not be queued.
//
// This design hands the result over through variables published by closing
// a channel, and derives f's context from the caller's (keeping its values),
// cancelled as well when the executor cancels the task.
func BlockOn[T any](ctx context.Context, e *Executor, f func(context.Context) (T, error)) (T, error) {
	var (
		value T
		err   error
	)
	done := make(chan struct{})
	spawnErr := e.Spawn(ctx, func(taskCtx context.Context) {
		fctx, cancel := context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(taskCtx, cancel)()

		err = ErrTaskPanicked // stays so only if f panics
		defer close(done)
		value, err = f(fctx)
	})
	if spawnErr != nil {
		var zero T
		return zero, spawnErr
	}
	select {
	case <-done:
		return value, err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
