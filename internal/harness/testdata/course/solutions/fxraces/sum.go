package fxraces

import "sync"

// Sum adds 1 to a total from each of n goroutines, under a lock.
func Sum(n int) int {
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			total++
		}()
	}
	wg.Wait()
	return total
}
