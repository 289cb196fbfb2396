// Package fxcrash races, then dies: the harness's tests read what a
// learner's plain go test -race says when the test process dies in a spec.
package fxcrash

import "sync"

// CloseTwice counts on two goroutines without a lock (a data race), and each
// closes the same channel: the second close panics on a goroutine of the
// learner's, and the process dies.
func CloseTwice() int {
	done := make(chan struct{})
	count := 0
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			count++     // the line the race names
			close(done) // the second close kills the process
		}()
	}
	wg.Wait()
	return count
}
