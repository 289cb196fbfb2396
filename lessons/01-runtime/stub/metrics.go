package executor

// Metrics returns a consistent snapshot of the executor's counters, read
// under the same lock the lanes write them with. Queued is the number of
// tasks waiting in the queue right now.
func (e *Executor) Metrics() Metrics {
	// TODO(runtime): read the counters under e.mu.
	panic("TODO(runtime): implement Metrics in solutions/executor/metrics.go")
}
