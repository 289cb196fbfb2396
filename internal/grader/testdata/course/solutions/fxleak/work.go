// Package fxleak leaves a goroutine behind.
package fxleak

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave starts a goroutine that never ends.
func Misbehave() {
	go func() { select {} }()
}
