package executor

// Metrics returns a consistent snapshot of the executor's counters. A task
// that an idle lane is about to take is not counted as queued.
func (e *Executor) Metrics() Metrics {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Metrics{
		Spawned:   e.spawned,
		Queued:    max(e.n-e.idle, 0),
		Running:   e.running,
		Completed: e.completed,
		Panicked:  e.panicked,
	}
}
