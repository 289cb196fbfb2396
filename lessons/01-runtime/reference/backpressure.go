package executor

// TrySpawn queues task if there is room right now and never waits: it
// returns ErrQueueFull when the queue is full (and no lane is idle), and
// ErrClosed once Shutdown has started. A full queue is backpressure: the
// caller learns at once that the highway is jammed and can slow down,
// retry later or refuse work.
func (e *Executor) TrySpawn(task Task) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	select {
	case e.queue <- task:
		e.spawned++
		return nil
	default:
		return ErrQueueFull
	}
}
