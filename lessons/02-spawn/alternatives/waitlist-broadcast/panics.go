package task

import (
	"context"
	"runtime/debug"
)

// callSafely calls f with ctx and returns what it returned; a panic in f
// comes back as a *JoinError with its value and stack.
func callSafely[T any](ctx context.Context, f func(context.Context) (T, error)) (value T, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		p := recover()
		var zero T
		value, err = zero, &JoinError{Panic: p, Stack: debug.Stack()}
	}()
	value, err = f(ctx)
	returned = true
	return value, err
}
