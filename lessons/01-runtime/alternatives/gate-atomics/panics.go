package executor

import "runtime/debug"

// runSafely runs one task on the calling lane and keeps the count of
// running, completed and panicked tasks. A panic is recovered, counted and
// reported to cfg.OnPanic (if set); the lane goes on.
func (e *Executor) runSafely(task Task) {
	e.running.Add(1)
	if report := e.run(task); report != nil {
		e.running.Add(-1)
		e.panicked.Add(1)
		if e.cfg.OnPanic != nil {
			e.cfg.OnPanic(report)
		}
		return
	}
	e.running.Add(-1)
	e.completed.Add(1)
}

// run calls task and turns a panic into a report.
func (e *Executor) run(task Task) (report *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			report = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	task(e.ctx)
	return nil
}
