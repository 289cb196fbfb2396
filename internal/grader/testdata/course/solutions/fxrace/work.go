// Package fxrace has a data race.
package fxrace

// Answer returns 42.
func Answer() int { return 42 }

var counter int

// Misbehave writes counter from two goroutines without synchronisation.
func Misbehave() {
	done := make(chan struct{})
	go func() {
		counter++
		close(done)
	}()
	counter++
	<-done
}
