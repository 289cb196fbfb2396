package executor

// TrySpawn queues task if there is room right now and never waits: it
// returns ErrQueueFull when the queue is full (and no lane is idle), and
// ErrClosed once Shutdown has started. Count every accepted task in
// e.spawned, under e.mu.
func (e *Executor) TrySpawn(task Task) error {
	// TODO(runtime): a send on e.queue that never blocks.
	panic("TODO(runtime): implement TrySpawn in solutions/executor/backpressure.go")
}
