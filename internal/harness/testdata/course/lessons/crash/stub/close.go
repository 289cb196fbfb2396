// Package fxcrash is the fixture's pristine stub.
package fxcrash

// CloseTwice counts on two goroutines.
func CloseTwice() int { panic("TODO(crash)") }
