package executor

// Metrics returns a consistent snapshot of the executor's counters, read
// under the same lock the lanes write them with. Queued is the number of
// tasks waiting in the queue right now.
func (e *Executor) Metrics() Metrics {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Metrics{
		Spawned:   e.spawned,
		Queued:    len(e.queue),
		Running:   e.running,
		Completed: e.completed,
		Panicked:  e.panicked,
	}
}
