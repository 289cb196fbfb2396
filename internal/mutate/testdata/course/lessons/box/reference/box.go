// Package fxbox is the reference of the mutate package's fixture lesson.
package fxbox

import "context"

// Clamp returns v, or max if v is larger.
func Clamp(v, max int) int {
	if v > max {
		return max
	}
	return v
}

// Positive reports whether v is above zero.
func Positive(v int) bool {
	return v > 0
}

// Small reports whether v is below ten.
func Small(v int) bool {
	return v < 10
}

// Name returns the box's name.
func Name() string {
	ctx := context.TODO()
	return name(ctx)
}

func name(context.Context) string { return "box" }
