// Package task is the toll booth of lesson 02, spawn: what tokio::spawn
// gives a Rust program and Go's go statement does not. In Go, go f() starts
// a goroutine and forgets it: no handle, no result, no panic kept inside,
// no way to stop it. Here you build those, the Go way: a generic Spawn that
// returns a Handle to join, a JoinError for a task that panicked or was
// aborted, an Abort that cancels the task's context, and a Set of tasks
// joined in the order they finish, with a limit on how many run at once.
//
// This file is given: the types every exercise shares. The exercises are in
// the other files, one file each.
package task

//lint:file-ignore U1000 The fields below are for your code: the stubs do not use them yet.

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Errors of the package. Compare with errors.Is.
var (
	// ErrPanicked matches the *JoinError of a task that panicked.
	ErrPanicked = errors.New("task: panicked")
	// ErrCancelled matches the *JoinError of a task that was aborted.
	ErrCancelled = errors.New("task: cancelled")
	// ErrEmpty is what Set.JoinNext returns once no task is left to join:
	// the end of the set, as io.EOF is the end of a stream.
	ErrEmpty = errors.New("task: no task left in the set")
)

// JoinError says why a task gave no result, like tokio's JoinError: it
// panicked, or it was aborted. Join returns it as a *JoinError; a task
// that returned an error of its own gives that error instead.
type JoinError struct {
	// Panic is the value the task panicked with; nil if it was aborted.
	Panic any
	// Stack is the stack of the task's goroutine, taken where it panicked.
	Stack []byte
}

// IsPanic reports whether the task panicked.
func (e *JoinError) IsPanic() bool { return e.Panic != nil }

// IsCancelled reports whether the task was aborted.
func (e *JoinError) IsCancelled() bool { return e.Panic == nil }

func (e *JoinError) Error() string {
	if e.IsPanic() {
		return fmt.Sprintf("task panicked: %v", e.Panic)
	}
	return "task cancelled"
}

// Is makes errors.Is(err, ErrPanicked) or errors.Is(err, ErrCancelled)
// true for the matching *JoinError.
func (e *JoinError) Is(target error) bool {
	switch target {
	case ErrPanicked:
		return e.IsPanic()
	case ErrCancelled:
		return e.IsCancelled()
	}
	return false
}

// Handle is a spawned task, the Go counterpart of tokio's JoinHandle.
// Spawn creates it; Join waits for the task's result, Abort stops it.
type Handle[T any] struct {
	// cancel cancels the task's context: with ErrCancelled as the cause
	// when the task is aborted, and in any case once the task is over.
	cancel context.CancelCauseFunc
	// done is closed once the task has returned and value and err are
	// set. A closed channel can be received from any number of times, by
	// any number of goroutines: every Join sees it.
	done chan struct{}

	// The task's outcome: written once by the task's goroutine before it
	// closes done, read by anyone only after done is closed.
	value T
	err   error
}

// Set is a group of tasks joined in the order they finish, like tokio's
// JoinSet, with an optional limit on how many run at once, like
// errgroup.Group.SetLimit. Create it with NewSet. Go has no destructor to
// abort the tasks of a forgotten set: drain it with JoinNext until
// ErrEmpty, or call Shutdown.
type Set[T any] struct {
	// slots holds one token per running task when the set has a limit:
	// sending takes a slot, receiving gives it back. It is nil when the
	// set has no limit.
	slots chan struct{}
	// finished receives each task's handle once the task has ended: the
	// order of the values on the channel is the order the tasks finished.
	finished chan *Handle[T]

	mu sync.Mutex // guards handles
	// handles are the tasks spawned and not yet joined, in spawn order.
	handles []*Handle[T]
}
