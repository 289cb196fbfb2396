package executor

// TrySpawn queues task if there is room right now and never waits: it
// returns ErrQueueFull when the queue is full (and no lane is idle), and
// ErrClosed once Shutdown has started.
func (e *Executor) TrySpawn(task Task) error {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.closed.Load() {
		return ErrClosed
	}
	select {
	case e.queue <- task:
		e.spawned.Add(1)
		return nil
	default:
		return ErrQueueFull
	}
}
