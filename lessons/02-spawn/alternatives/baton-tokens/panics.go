package task

import (
	"context"
	"runtime/debug"
)

// callSafely calls f with ctx and returns what it returned; a panic in f
// comes back as a *JoinError with its value and stack.
func callSafely[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	var (
		value T
		err   error
	)
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = &JoinError{Panic: r, Stack: debug.Stack()}
			}
		}()
		value, err = f(ctx)
	}()
	if je, ok := err.(*JoinError); ok && je.IsPanic() {
		var zero T
		return zero, err
	}
	return value, err
}
