package executor

import (
	"context"
	"fmt"

	"autoroute/fakes/clock"
)

// New builds an executor from cfg and starts exactly cfg.Lanes lanes. A
// Lanes below 1 or a negative Queue is an error matching ErrInvalidConfig.
func New(cfg Config) (*Executor, error) {
	if cfg.Lanes <= 0 || cfg.Queue < 0 {
		return nil, fmt.Errorf("%w: Lanes %d (want 1 or more), Queue %d (want 0 or more)", ErrInvalidConfig, cfg.Lanes, cfg.Queue)
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real()
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Executor{
		cfg:     cfg,
		clock:   clk,
		ctx:     ctx,
		cancel:  cancel,
		stopped: make(chan struct{}),
		changed: make(chan struct{}),
		ring:    make([]Task, cfg.Queue),
		lanes:   cfg.Lanes,
	}
	for range cfg.Lanes {
		go e.lane()
	}
	return e, nil
}

// lane takes tasks from the ring until Shutdown has started and the ring
// is empty; the last lane out closes stopped.
func (e *Executor) lane() {
	for {
		task, ok := e.next()
		if !ok {
			return
		}
		e.runSafely(task)
	}
}

// next waits for a task. It returns false once the executor is closed and
// the ring empty, after counting the lane out.
func (e *Executor) next() (Task, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.n == 0 && !e.closed {
		e.idle++
		e.broadcastLocked() // an idle lane is room for a waiting Spawn
		changed := e.changed
		e.mu.Unlock()
		<-changed
		e.mu.Lock()
		e.idle--
	}
	if e.n == 0 {
		e.lanes--
		if e.lanes == 0 {
			close(e.stopped)
		}
		return nil, false
	}
	task := e.popLocked()
	e.broadcastLocked() // a place in the queue was freed
	return task, true
}

// Spawn queues task, waiting for room in the queue if it is full. It
// returns ctx.Err() if ctx ends first, and ErrClosed once Shutdown has
// started.
func (e *Executor) Spawn(ctx context.Context, task Task) error {
	e.mu.Lock()
	for {
		if e.closed {
			e.mu.Unlock()
			return ErrClosed
		}
		if e.hasRoomLocked() {
			e.pushLocked(task)
			e.mu.Unlock()
			return nil
		}
		changed := e.changed
		e.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		e.mu.Lock()
	}
}
