package executor

import (
	"context"
	"sync"
)

// BlockOn runs f as a task on e and waits for its result. It returns f's
// value and error; ErrTaskPanicked if f panicked; ctx.Err() as soon as ctx
// ends; or Spawn's error if the task could not be queued.
//
// This design keeps the result in a mutex-guarded slot, signals it with a
// channel closed exactly once, and cancels f's context with a context
// watcher stopped as soon as f returns.
func BlockOn[T any](ctx context.Context, e *Executor, f func(context.Context) (T, error)) (T, error) {
	var (
		mu    sync.Mutex
		value T
		err   error = ErrTaskPanicked
	)
	ready := make(chan struct{})
	spawnErr := e.Spawn(ctx, func(taskCtx context.Context) {
		fctx, cancel := context.WithCancelCause(taskCtx)
		defer cancel(nil)
		unwatch := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
		defer unwatch()
		defer close(ready)
		v, ferr := f(fctx)
		mu.Lock()
		value, err = v, ferr
		mu.Unlock()
	})
	if spawnErr != nil {
		var zero T
		return zero, spawnErr
	}
	select {
	case <-ready:
		mu.Lock()
		defer mu.Unlock()
		return value, err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
