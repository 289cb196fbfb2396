package executor

import "runtime/debug"

// runSafely runs one task on the calling lane and keeps the count of
// running, completed and panicked tasks. A panic is recovered, counted and
// reported to cfg.OnPanic (if set); the lane goes on.
func (e *Executor) runSafely(task Task) {
	e.mu.Lock()
	e.running++
	e.mu.Unlock()

	finished := false
	defer func() {
		if finished {
			return
		}
		report := &PanicError{Value: recover(), Stack: debug.Stack()}
		e.mu.Lock()
		e.running--
		e.panicked++
		e.mu.Unlock()
		if onPanic := e.cfg.OnPanic; onPanic != nil {
			onPanic(report)
		}
	}()
	task(e.ctx)
	finished = true

	e.mu.Lock()
	e.running--
	e.completed++
	e.mu.Unlock()
}
