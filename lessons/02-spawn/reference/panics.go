package task

import (
	"context"
	"runtime/debug"
)

// callSafely calls f with ctx and returns what it returned. If f panics,
// the panic stops here, on the task's goroutine, instead of killing the
// program: callSafely returns the zero value and a *JoinError carrying the
// value f panicked with and the stack where it did.
func callSafely[T any](ctx context.Context, f func(context.Context) (T, error)) (value T, err error) {
	defer func() {
		if r := recover(); r != nil {
			// Still inside the panic: the stack shows where it happened.
			var zero T
			value, err = zero, &JoinError{Panic: r, Stack: debug.Stack()}
		}
	}()
	return f(ctx)
}
