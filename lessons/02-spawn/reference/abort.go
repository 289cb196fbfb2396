package task

import (
	"context"
	"errors"
)

// Abort asks the task to stop, like tokio's JoinHandle::abort: it cancels
// the task's context, with ErrCancelled as the cause. The task stops when
// f notices (Go cannot stop a goroutine from outside); Join then reports a
// *JoinError that says cancelled. Aborting a task that has already ended
// changes nothing.
func (h *Handle[T]) Abort() {
	h.cancel(ErrCancelled)
}

// IsFinished reports whether the task has ended, without waiting, like
// tokio's JoinHandle::is_finished. Once it returns true, Join returns at
// once.
func (h *Handle[T]) IsFinished() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// settle turns what f returned, in a task whose context is ctx, into what
// Join reports. A task aborted before f returned is reported as cancelled,
// whatever f returned: the zero value and a *JoinError. A panic is always
// reported as one, aborted or not. Any other outcome is f's own.
func settle[T any](ctx context.Context, value T, err error) (T, error) {
	if errors.Is(err, ErrPanicked) {
		return value, err
	}
	if context.Cause(ctx) == ErrCancelled {
		var zero T
		return zero, &JoinError{}
	}
	return value, err
}
