// Package fxstall waits for a signal nobody sends: the harness's tests
// read how a spec without a time limit that calls it is stopped.
package fxstall

// Wait returns once ready is closed.
func Wait(ready chan struct{}) {
	<-ready // the line the hang names
}
