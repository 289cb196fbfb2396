package executor

import (
	"context"
	"time"
)

// Shutdown stops accepting tasks, lets the lanes run the queued ones,
// cancels the running tasks once timeout has passed on the executor's clock,
// and returns once every lane has exited: nil if all tasks finished in
// time, ErrShutdownTimeout if it had to cancel them. A second Shutdown waits
// until the lanes have exited and returns ErrClosed.
func (e *Executor) Shutdown(timeout time.Duration) error {
	if !e.closed.CompareAndSwap(false, true) {
		<-e.stopped
		return ErrClosed
	}
	close(e.closing)
	defer e.cancel()

	// Every Spawn holds the gate for reading while it may send, and gives
	// up on closing: once the gate is ours, nobody can send any more.
	e.gate.Lock()
	close(e.queue)
	e.gate.Unlock()

	deadline, stop := e.clock.WithTimeout(context.Background(), timeout)
	defer stop()
	select {
	case <-e.stopped:
		return nil
	case <-deadline.Done():
		e.cancel()
		<-e.stopped
		return ErrShutdownTimeout
	}
}
