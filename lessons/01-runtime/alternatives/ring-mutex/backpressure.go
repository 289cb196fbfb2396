package executor

// TrySpawn queues task if there is room right now and never waits: it
// returns ErrQueueFull when the queue is full (and no lane is idle), and
// ErrClosed once Shutdown has started.
func (e *Executor) TrySpawn(task Task) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closed:
		return ErrClosed
	case !e.hasRoomLocked():
		return ErrQueueFull
	}
	e.pushLocked(task)
	return nil
}
