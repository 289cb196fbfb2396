// Package fxclean is a correct solution.
package fxclean

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave does nothing wrong.
func Misbehave() {}
