// Package fxreturned starts work that never says it is over: the harness's
// tests read how a spec that waits for it in vain names the learner's
// functions it called, which returned.
package fxreturned

// Start starts the work; done should be closed once it is over, and is not.
func Start(done chan struct{}) { // the line the report names
	go func() {
		_ = done // the close(done) that never comes
	}()
}
