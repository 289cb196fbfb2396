// Package executor is an alternative solution of lesson 01, kept beside the
// reference so that the specs accept more than one correct design. Here the
// queue is not a channel: it is a ring buffer guarded by a mutex, and every
// change of state is broadcast by closing a channel and making a new one
// (a condition variable that a select can wait on beside a context). The
// shutdown deadline is an AfterFunc on the executor's clock.
//
// Package executor is the highway of lesson 01: a small task executor with a
// fixed number of lanes (worker goroutines), a bounded queue where tasks wait
// for a lane, panic isolation, a graceful shutdown with a deadline, and
// metrics. Go's runtime already schedules goroutines for you; this is the
// part of a runtime that Go hides, built by hand so you can see it.
//
// This file is given: the types every exercise shares. The exercises are in
// the other files, one file each.
package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"autoroute/fakes/clock"
)

// Task is a unit of work: a car on the highway. Its context is cancelled
// when the executor gives up on it (a shutdown whose deadline passed).
type Task func(ctx context.Context)

// Errors the executor returns. Compare with errors.Is.
var (
	ErrInvalidConfig   = errors.New("executor: invalid config")
	ErrQueueFull       = errors.New("executor: queue full")
	ErrClosed          = errors.New("executor: shut down")
	ErrTaskPanicked    = errors.New("executor: task panicked")
	ErrShutdownTimeout = errors.New("executor: shutdown deadline passed, running tasks were cancelled")
)

// Config says how big the highway is.
type Config struct {
	// Lanes is the number of workers, so the number of tasks that run at
	// once. 1 gives the current-thread flavour: tasks run one at a time, in
	// the order they were spawned. Must be at least 1.
	Lanes int
	// Queue is how many spawned tasks may wait for a free lane. 0 means a
	// task is handed straight to an idle lane. Must not be negative.
	Queue int
	// Clock measures the shutdown deadline. Nil means clock.Real().
	Clock clock.Clock
	// OnPanic, if set, is told about every task that panicked.
	OnPanic func(*PanicError)
}

// PanicError reports a task that panicked: the value it panicked with and
// the stack where it did. It matches ErrTaskPanicked with errors.Is.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("executor: task panicked: %v", p.Value) }

// Is makes errors.Is(err, ErrTaskPanicked) true for a *PanicError.
func (p *PanicError) Is(target error) bool { return target == ErrTaskPanicked }

// Metrics is a snapshot of what the executor has done.
type Metrics struct {
	Spawned   int // tasks accepted by Spawn or TrySpawn
	Queued    int // tasks waiting for a lane right now
	Running   int // tasks running right now
	Completed int // tasks that returned
	Panicked  int // tasks that panicked
}

// Executor runs tasks on a fixed number of lanes. Create it with New and
// stop it with Shutdown.
type Executor struct {
	cfg   Config
	clock clock.Clock

	ctx     context.Context    // the context every task receives
	cancel  context.CancelFunc // cancels ctx
	stopped chan struct{}      // closed by the last lane to exit

	mu      sync.Mutex    // guards everything below
	changed chan struct{} // closed (and replaced) at every change a waiter may care about
	ring    []Task        // the queue: n tasks from head, wrapping around
	head, n int
	idle    int  // lanes waiting for a task: each may take one beyond the queue's size
	closed  bool // Shutdown has started
	lanes   int  // lanes still running

	spawned, running, completed, panicked int
}

// broadcastLocked wakes everyone waiting on the current changed channel.
func (e *Executor) broadcastLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// hasRoomLocked says whether one more task may be accepted now: the queue
// has a free place, or a lane is idle and will take it at once.
func (e *Executor) hasRoomLocked() bool { return e.n < e.cfg.Queue+e.idle }

// pushLocked appends task to the ring, growing it when idle lanes take the
// queue beyond its size for an instant.
func (e *Executor) pushLocked(task Task) {
	if e.n == len(e.ring) {
		grown := make([]Task, 2*len(e.ring)+1)
		for i := range e.n {
			grown[i] = e.ring[(e.head+i)%len(e.ring)]
		}
		e.ring, e.head = grown, 0
	}
	e.ring[(e.head+e.n)%len(e.ring)] = task
	e.n++
	e.spawned++
	e.broadcastLocked()
}

// popLocked takes the oldest task from the ring.
func (e *Executor) popLocked() Task {
	task := e.ring[e.head]
	e.ring[e.head] = nil
	e.head = (e.head + 1) % len(e.ring)
	e.n--
	return task
}
