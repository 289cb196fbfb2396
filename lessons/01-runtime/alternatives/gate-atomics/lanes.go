package executor

import (
	"context"
	"fmt"

	"autoroute/fakes/clock"
)

// New builds an executor from cfg and starts exactly cfg.Lanes lanes. A
// Lanes below 1 or a negative Queue is an error matching ErrInvalidConfig.
func New(cfg Config) (*Executor, error) {
	switch {
	case cfg.Lanes < 1:
		return nil, fmt.Errorf("%w: %d lanes (at least 1)", ErrInvalidConfig, cfg.Lanes)
	case cfg.Queue < 0:
		return nil, fmt.Errorf("%w: a queue of %d (0 or more)", ErrInvalidConfig, cfg.Queue)
	}
	e := &Executor{
		cfg:     cfg,
		clock:   cfg.Clock,
		queue:   make(chan Task, cfg.Queue),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if e.clock == nil {
		e.clock = clock.Real()
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.alive.Store(int32(cfg.Lanes))
	for i := 0; i < cfg.Lanes; i++ {
		go e.lane()
	}
	return e, nil
}

// lane runs queued tasks until the queue is closed and empty; the last
// lane out closes stopped.
func (e *Executor) lane() {
	for task := range e.queue {
		e.runSafely(task)
	}
	if e.alive.Add(-1) == 0 {
		close(e.stopped)
	}
}

// Spawn queues task, waiting for room in the queue if it is full. It
// returns ctx.Err() if ctx ends first, and ErrClosed once Shutdown has
// started.
func (e *Executor) Spawn(ctx context.Context, task Task) error {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.closed.Load() {
		return ErrClosed
	}
	select {
	case <-e.closing:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	case e.queue <- task:
		e.spawned.Add(1)
		return nil
	}
}
