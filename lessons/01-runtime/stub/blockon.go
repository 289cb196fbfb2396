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
	// TODO(runtime): spawn a task that runs f and hands its result back.
	panic("TODO(runtime): implement BlockOn in solutions/executor/blockon.go")
}
