package executor

import (
	"context"
	"fmt"

	"autoroute/fakes/clock"
)

// New builds an executor from cfg and starts its lanes: exactly cfg.Lanes
// worker goroutines, each taking tasks from the queue one at a time until
// the queue is closed. A Lanes below 1 or a negative Queue is an error
// matching ErrInvalidConfig.
func New(cfg Config) (*Executor, error) {
	if cfg.Lanes < 1 {
		return nil, fmt.Errorf("%w: Lanes must be at least 1, got %d", ErrInvalidConfig, cfg.Lanes)
	}
	if cfg.Queue < 0 {
		return nil, fmt.Errorf("%w: Queue must not be negative, got %d", ErrInvalidConfig, cfg.Queue)
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real()
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Executor{
		cfg:     cfg,
		clock:   clk,
		queue:   make(chan Task, cfg.Queue),
		ctx:     ctx,
		cancel:  cancel,
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		lanes:   cfg.Lanes,
	}
	for range cfg.Lanes {
		go e.lane()
	}
	return e, nil
}

// lane is one worker: it runs queued tasks one after another, and exits
// when Shutdown has closed the queue and the queue is empty.
func (e *Executor) lane() {
	defer e.laneExited()
	for task := range e.queue {
		e.runSafely(task)
	}
}

// laneExited lets the last lane out close stopped.
func (e *Executor) laneExited() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lanes--
	if e.lanes == 0 {
		close(e.stopped)
	}
}

// Spawn queues task, waiting for room in the queue if it is full. It
// returns ctx.Err() if ctx ends first, and ErrClosed once Shutdown has
// started.
func (e *Executor) Spawn(ctx context.Context, task Task) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return ErrClosed
	}
	e.senders.Add(1)
	e.mu.Unlock()
	defer e.senders.Done()

	select {
	case e.queue <- task:
		e.mu.Lock()
		e.spawned++
		e.mu.Unlock()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-e.closing:
		return ErrClosed
	}
}
