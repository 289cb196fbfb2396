// Package fxspin loops forever.
package fxspin

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave never returns and never blocks.
func Misbehave() {
	for n := 0; ; n++ {
		_ = n
	}
}
