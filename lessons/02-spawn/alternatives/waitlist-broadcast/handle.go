package task

import "context"

// Spawn starts f on a goroutine of its own and returns at once with the
// task's handle.
func Spawn[T any](ctx context.Context, f func(context.Context) (T, error)) *Handle[T] {
	return spawn(ctx, f, nil)
}

// spawn is Spawn, with a function the task calls once it has ended.
func spawn[T any](ctx context.Context, f func(context.Context) (T, error), onFinish func(*Handle[T])) *Handle[T] {
	taskCtx, cancel := context.WithCancelCause(ctx)
	h := &Handle[T]{cancel: cancel}
	go func() {
		value, err := callSafely(taskCtx, f)
		h.finish(taskCtx, value, err)
		cancel(nil)
		if onFinish != nil {
			onFinish(h)
		}
	}()
	return h
}

// finish records the task's outcome and wakes every waiting Join.
func (h *Handle[T]) finish(ctx context.Context, value T, err error) {
	value, err = settle(ctx, value, err)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.value, h.err, h.over = value, err, true
	for _, w := range h.waiters {
		close(w)
	}
	h.waiters = nil
}

// Join waits for the task to end and returns what it returned, or
// ctx.Err() if ctx ends first (the task goes on).
func (h *Handle[T]) Join(ctx context.Context) (T, error) {
	h.mu.Lock()
	if h.over {
		defer h.mu.Unlock()
		return h.value, h.err
	}
	wake := make(chan struct{})
	h.waiters = append(h.waiters, wake)
	h.mu.Unlock()

	select {
	case <-wake:
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.value, h.err
	case <-ctx.Done():
		h.mu.Lock()
		for i, w := range h.waiters {
			if w == wake {
				h.waiters = append(h.waiters[:i], h.waiters[i+1:]...)
				break
			}
		}
		h.mu.Unlock()
		var zero T
		return zero, ctx.Err()
	}
}
