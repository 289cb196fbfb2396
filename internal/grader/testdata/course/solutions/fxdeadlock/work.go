// Package fxdeadlock blocks forever in Misbehave.
package fxdeadlock

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave waits for a value nobody sends.
func Misbehave() { <-make(chan int) }
