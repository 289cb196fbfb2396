// Package fxgopanic panics on a goroutine it starts.
package fxgopanic

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave panics on a goroutine of its own, which kills the process.
func Misbehave() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		panic("boom on a goroutine the spec does not own")
	}()
	<-done
}
