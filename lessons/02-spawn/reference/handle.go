package task

import "context"

// Spawn starts f on a goroutine of its own and returns at once with the
// task's handle, like tokio::spawn.
//
// f runs with a context of its own, derived from ctx: it ends when ctx
// ends, when the handle is aborted, and once the task is over. The task
// calls f through callSafely, so that a panic stays inside the task, and
// passes what f returned through settle, which reports an aborted task as
// cancelled.
func Spawn[T any](ctx context.Context, f func(context.Context) (T, error)) *Handle[T] {
	taskCtx, cancel := context.WithCancelCause(ctx)
	h := &Handle[T]{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		value, err := callSafely(taskCtx, f)
		h.value, h.err = settle(taskCtx, value, err)
		// The task is over: release its context. An Abort from now on
		// finds it already cancelled and changes nothing.
		cancel(nil)
	}()
	return h
}

// Join waits for the task to end and returns what it returned: f's value
// and error, or a *JoinError if it panicked or was aborted. If ctx ends
// first, Join returns ctx.Err() and the task goes on: giving up on a
// result does not stop the task (Abort does).
//
// Join may be called any number of times, from any number of goroutines:
// each call gets the same result.
func (h *Handle[T]) Join(ctx context.Context) (T, error) {
	select {
	case <-h.done:
		return h.value, h.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
