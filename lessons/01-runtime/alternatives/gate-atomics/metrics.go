package executor

// Metrics returns a snapshot of the executor's counters. Each counter is an
// atomic, read on its own: the snapshot is not taken at a single instant,
// but no counter is ever read torn or stale.
func (e *Executor) Metrics() Metrics {
	return Metrics{
		Spawned:   int(e.spawned.Load()),
		Queued:    len(e.queue),
		Running:   int(e.running.Load()),
		Completed: int(e.completed.Load()),
		Panicked:  int(e.panicked.Load()),
	}
}
