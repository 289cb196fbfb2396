// Package fxbroken does not compile.
package fxbroken

// Answer returns 42.
func Answer() int { return "forty-two" }

// Misbehave does nothing.
func Misbehave() {}
