// Package executor is the highway of lesson 01: a small task executor with a
// fixed number of lanes (worker goroutines), a bounded queue where tasks wait
// for a lane, panic isolation, a graceful shutdown with a deadline, and
// metrics. Go's runtime already schedules goroutines for you; this is the
// part of a runtime that Go hides, built by hand so you can see it.
//
// This file is given: the types every exercise shares. The exercises are in
// the other files, one file each.
package executor

//lint:file-ignore U1000 The fields below are for your code: the stubs do not use them yet.

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

	queue   chan Task          // tasks waiting for a lane; closed by Shutdown once no Spawn can send
	ctx     context.Context    // the context every task receives
	cancel  context.CancelFunc // cancels ctx: the shutdown deadline passed
	closing chan struct{}      // closed when Shutdown starts: blocked Spawns give up
	stopped chan struct{}      // closed by the last worker to exit

	senders sync.WaitGroup // Spawn calls that may still send on queue

	mu        sync.Mutex // guards everything below
	closed    bool
	lanes     int // workers still running
	spawned   int
	running   int
	completed int
	panicked  int
}
