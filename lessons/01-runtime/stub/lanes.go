package executor

import "context"

// New builds an executor from cfg and starts its lanes: exactly cfg.Lanes
// worker goroutines, each taking tasks from the queue one at a time until
// the queue is closed. A Lanes below 1 or a negative Queue is an error
// matching ErrInvalidConfig. A nil cfg.Clock means clock.Real().
//
// Every field of Executor (executor.go) says what it is for: fill them all.
// A lane runs each task with e.runSafely (panics.go), and the last lane to
// exit closes e.stopped.
func New(cfg Config) (*Executor, error) {
	// TODO(runtime): check cfg, build the Executor, start cfg.Lanes lanes.
	panic("TODO(runtime): implement New in solutions/executor/lanes.go")
}

// Spawn queues task, waiting for room in the queue if it is full. It
// returns ctx.Err() if ctx ends first, and ErrClosed once Shutdown has
// started. Count every accepted task in e.spawned, under e.mu.
//
// Shutdown closes the queue once no Spawn can still send on it: register
// with e.senders (under e.mu, after checking e.closed) before you send.
func (e *Executor) Spawn(ctx context.Context, task Task) error {
	// TODO(runtime): send task on e.queue, or give up on ctx or e.closing.
	panic("TODO(runtime): implement Spawn in solutions/executor/lanes.go")
}
