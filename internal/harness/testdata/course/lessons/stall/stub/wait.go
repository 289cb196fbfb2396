// Package fxstall is the fixture's pristine stub.
package fxstall

// Wait returns once ready is closed.
func Wait(ready chan struct{}) { panic("TODO(stall)") }
