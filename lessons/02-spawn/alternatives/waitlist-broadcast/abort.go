package task

import (
	"context"
	"errors"
)

// Abort asks the task to stop: it cancels the task's context with
// ErrCancelled as the cause. Aborting a task that has ended changes nothing.
func (h *Handle[T]) Abort() {
	h.cancel(ErrCancelled) // after the task's own cancel(nil), this changes nothing
}

// IsFinished reports whether the task has ended, without waiting.
func (h *Handle[T]) IsFinished() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.over
}

// settle turns what f returned into what Join reports: a panic is always a
// panic; a task aborted before f returned is cancelled; anything else is
// f's own.
func settle[T any](ctx context.Context, value T, err error) (T, error) {
	var je *JoinError
	if errors.As(err, &je) && je.IsPanic() {
		return value, err
	}
	if errors.Is(context.Cause(ctx), ErrCancelled) {
		var zero T
		return zero, &JoinError{}
	}
	return value, err
}
