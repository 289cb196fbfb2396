// Package fxraces counts on many goroutines, once without a lock: the
// harness's tests read the data race it causes in a learner's plain go test.
package fxraces

import "sync"

// Count adds 1 to a total from each of n goroutines, with no lock: they
// race on total.
func Count(n int) int {
	total := 0
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total++ // the line the race names
		}()
	}
	wg.Wait()
	return total
}
