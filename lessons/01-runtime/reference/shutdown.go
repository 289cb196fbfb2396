package executor

import "time"

// Shutdown stops the executor, like tokio's Runtime::shutdown_timeout:
//
//  1. it stops accepting tasks: Spawn and TrySpawn return ErrClosed;
//  2. it lets the lanes run every task already queued;
//  3. if they have not finished when timeout has passed on the executor's
//     clock, it cancels the context of the running tasks;
//  4. it returns only once every lane has exited: nil if all tasks finished
//     in time, ErrShutdownTimeout if it had to cancel them.
//
// A second Shutdown does no harm: it waits until the lanes have exited and
// returns ErrClosed.
func (e *Executor) Shutdown(timeout time.Duration) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		<-e.stopped
		return ErrClosed
	}
	e.closed = true
	close(e.closing)
	e.mu.Unlock()
	defer e.cancel()

	// Once no Spawn can send any more, closing the queue tells the lanes
	// to finish what is queued and exit.
	e.senders.Wait()
	close(e.queue)

	deadline := e.clock.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case <-e.stopped:
		return nil
	case <-deadline.C:
		e.cancel()
		<-e.stopped
		return ErrShutdownTimeout
	}
}
