// Package fxraces is the fixture's pristine stub.
package fxraces

// Count adds 1 to a total from each of n goroutines.
func Count(n int) int { panic("TODO(races)") }
