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
	// TODO(runtime): close, drain, wait with a deadline on e.clock, cancel.
	panic("TODO(runtime): implement Shutdown in solutions/executor/shutdown.go")
}
