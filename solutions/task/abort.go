package task

import "context"

// Abort asks the task to stop, like tokio's JoinHandle::abort: it cancels
// the task's context, with ErrCancelled as the cause. The task stops when
// f notices (Go cannot stop a goroutine from outside); Join then reports a
// *JoinError that says cancelled. Aborting a task that has already ended
// changes nothing.
func (h *Handle[T]) Abort() {
	// TODO(spawn): cancel the task's context with ErrCancelled as the cause.
	panic("TODO(spawn): implement Abort in solutions/task/abort.go")
}

// IsFinished reports whether the task has ended, without waiting, like
// tokio's JoinHandle::is_finished. Once it returns true, Join returns at
// once.
func (h *Handle[T]) IsFinished() bool {
	// TODO(spawn): look at h.done without blocking.
	panic("TODO(spawn): implement IsFinished in solutions/task/abort.go")
}

// settle turns what f returned, in a task whose context is ctx, into what
// Join reports. A task aborted before f returned is reported as cancelled,
// whatever f returned: the zero value and a *JoinError. A panic is always
// reported as one, aborted or not. Any other outcome is f's own: a task
// whose context ended because Spawn's ctx ended was not aborted.
//
// Until you write it, it reports f's outcome as it is.
func settle[T any](ctx context.Context, value T, err error) (T, error) {
	// TODO(spawn): tell an aborted task by its context's cause.
	return value, err
}

// Your Spawn and Join use settle; until they do, this line tells linters
// and editors it is not dead code.
var _ = settle[any]
