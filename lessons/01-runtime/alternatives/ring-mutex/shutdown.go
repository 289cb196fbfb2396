package executor

import (
	"sync/atomic"
	"time"
)

// Shutdown stops accepting tasks, lets the lanes run the queued ones,
// cancels the running tasks once timeout has passed on the executor's clock,
// and returns once every lane has exited: nil if all tasks finished in
// time, ErrShutdownTimeout if it had to cancel them. A second Shutdown waits
// until the lanes have exited and returns ErrClosed.
func (e *Executor) Shutdown(timeout time.Duration) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		<-e.stopped
		return ErrClosed
	}
	e.closed = true
	e.broadcastLocked() // idle lanes see it and leave; waiting Spawns give up
	e.mu.Unlock()
	defer e.cancel()

	var late atomic.Bool
	deadline := e.clock.AfterFunc(timeout, func() {
		late.Store(true)
		e.cancel()
	})
	<-e.stopped
	if deadline.Stop() || !late.Load() {
		return nil
	}
	return ErrShutdownTimeout
}
