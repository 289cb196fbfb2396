package executor

import "runtime/debug"

// runSafely runs one task on the calling lane and keeps the count of
// running, completed and panicked tasks. A panic in the task is recovered:
// it is counted, reported to cfg.OnPanic (if set) as a *PanicError with the
// stack where it happened, and the lane goes on to the next task.
func (e *Executor) runSafely(task Task) {
	e.mu.Lock()
	e.running++
	e.mu.Unlock()

	defer func() {
		r := recover()
		var report *PanicError
		if r != nil {
			report = &PanicError{Value: r, Stack: debug.Stack()}
		}
		e.mu.Lock()
		e.running--
		if report != nil {
			e.panicked++
		} else {
			e.completed++
		}
		e.mu.Unlock()
		if report != nil && e.cfg.OnPanic != nil {
			e.cfg.OnPanic(report)
		}
	}()
	task(e.ctx)
}
