// Package task is an alternative solution of lesson 02, kept beside the
// reference so that the specs accept more than one correct design. Here a
// handle keeps a list of waiters under a mutex instead of one channel
// closed for all; a set keeps its
// finished tasks in a mutex-guarded queue and wakes its waiters by closing
// a channel and making a new one; its limit is a counter.
//
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
type Handle[T any] struct {
	cancel context.CancelCauseFunc // cancels the task's context

	mu      sync.Mutex
	over    bool            // the task has ended: value and err are set
	waiters []chan struct{} // closed when the task ends, one per waiting Join
	value   T
	err     error
}

// Set is a group of tasks joined in the order they finish, with an
// optional limit on how many run at once. Create it with NewSet.
type Set[T any] struct {
	limit int // 0: no limit

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever a task ends
	running  int           // tasks holding a slot
	pending  []*Handle[T]  // spawned, not yet finished
	finished []*Handle[T]  // finished, not yet joined, in the order they finished
}
