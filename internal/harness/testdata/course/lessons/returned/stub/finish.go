// Package fxreturned is the fixture's pristine stub.
package fxreturned

// Start starts the work; done is closed once it is over.
func Start(done chan struct{}) { panic("TODO(finish)") }
