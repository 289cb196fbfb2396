package task

import (
	"context"
	"errors"
)

// Abort asks the task to stop: it cancels the task's context with
// ErrCancelled as the cause. Aborting a task that has ended changes nothing.
func (h *Handle[T]) Abort() { h.cancel(ErrCancelled) }

// IsFinished reports whether the task has ended, without waiting.
func (h *Handle[T]) IsFinished() bool { return h.ended.Load() }

// settle turns what f returned into what Join reports.
func settle[T any](ctx context.Context, value T, err error) (T, error) {
	switch {
	case errors.Is(err, ErrPanicked):
		return value, err
	case errors.Is(context.Cause(ctx), ErrCancelled):
		var zero T
		return zero, &JoinError{}
	default:
		return value, err
	}
}
