// Package fxhang never finishes initialising.
package fxhang

func init() {
	for {
	}
}

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave does nothing: the process never gets this far.
func Misbehave() {}
