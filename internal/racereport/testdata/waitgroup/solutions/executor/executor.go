package executor

import "sync"

type Executor struct {
	mu      sync.Mutex
	senders sync.WaitGroup
	queue   chan func()
}

func (e *Executor) Spawn(task func()) {
	e.mu.Lock()
	e.mu.Unlock()
	e.senders.Add(1)
	defer e.senders.Done()
	e.queue <- task
}

func (e *Executor) Shutdown() {
	e.mu.Lock()
	e.mu.Unlock()
	e.senders.Wait()
	close(e.queue)
}
