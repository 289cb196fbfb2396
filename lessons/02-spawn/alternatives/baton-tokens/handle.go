package task

import "context"

// Spawn starts f on a goroutine of its own and returns at once with the
// task's handle.
func Spawn[T any](ctx context.Context, f func(context.Context) (T, error)) *Handle[T] {
	return spawnThen(ctx, f, nil)
}

// spawnThen is Spawn, with a function the task's goroutine calls once the
// outcome is in place.
func spawnThen[T any](ctx context.Context, f func(context.Context) (T, error), then func(*Handle[T])) *Handle[T] {
	taskCtx, cancel := context.WithCancelCause(ctx)
	h := &Handle[T]{cancel: cancel, baton: make(chan outcome[T], 1)}
	go func() {
		value, err := callSafely(taskCtx, f)
		value, err = settle(taskCtx, value, err)
		cancel(nil)
		h.ended.Store(true)
		h.baton <- outcome[T]{value, err}
		if then != nil {
			then(h)
		}
	}()
	return h
}

// Join waits for the task to end and returns what it returned, or
// ctx.Err() if ctx ends first (the task goes on). Each Join takes the
// baton and puts it back for the next one.
func (h *Handle[T]) Join(ctx context.Context) (T, error) {
	select {
	case o := <-h.baton:
		h.baton <- o
		return o.value, o.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
