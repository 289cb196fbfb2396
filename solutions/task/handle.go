package task

import "context"

// Spawn starts f on a goroutine of its own and returns at once with the
// task's handle, like tokio::spawn.
//
// f runs with a context of its own, derived from ctx with
// context.WithCancelCause: it ends when ctx ends, when the handle is
// aborted (abort.go), and once the task is over. Keep its cancel function
// in the handle.
//
// The task's goroutine calls f through callSafely (panics.go), so that a
// panic stays inside the task; passes what f returned through settle
// (abort.go); stores the outcome in h.value and h.err; releases its
// context; and closes h.done last. Every field of Handle (task.go) says
// what it is for.
func Spawn[T any](ctx context.Context, f func(context.Context) (T, error)) *Handle[T] {
	// TODO(spawn): build the handle, start the task's goroutine, return at once.
	panic("TODO(spawn): implement Spawn in solutions/task/handle.go")
}

// Join waits for the task to end and returns what it returned: f's value
// and error, or a *JoinError if it panicked or was aborted. If ctx ends
// first, Join returns ctx.Err() and the task goes on: giving up on a
// result does not stop the task (Abort does).
//
// Join may be called any number of times, from any number of goroutines:
// each call gets the same result.
func (h *Handle[T]) Join(ctx context.Context) (T, error) {
	// TODO(spawn): wait for h.done or the end of ctx.
	panic("TODO(spawn): implement Join in solutions/task/handle.go")
}
