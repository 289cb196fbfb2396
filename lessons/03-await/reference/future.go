// Package future is the lesson 03 of Autoroute, await. In Rust a future is a
// lazy value that the runtime polls, and .await suspends the task until the
// value is ready. Go has no await: a goroutine blocks, and a result travels
// on a channel. This package builds the Go shape of those ideas: a Future
// you await with a context, lazy futures, joins (All, TryAll), a timeout on
// an injected clock and retries with backoff.
//
// This file is given: the types every exercise shares. The exercises are in
// the other files, one file each.
package future

//lint:file-ignore U1000 The fields below are for your code: the stubs do not use them yet.

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Future is a value that will be ready later: the result of work that runs
// on a goroutine of its own (or, for a lazy future, that will run once it is
// first awaited). Every Await of a future, at once or later, gets the same
// value and error.
type Future[T any] struct {
	// done is closed once value and err are final. A closed channel never
	// blocks a receiver, so every Await, now or later, sees it.
	done  chan struct{}
	value T
	err   error

	// cancel cancels the context of the work; nil for a future that has no
	// work (Ready).
	cancel context.CancelFunc

	// start, if not nil, starts the work: a lazy future (lazy.go) sets it,
	// and begin calls it. It is called on every Await, from any goroutine,
	// so it must start the work the first time only: once is there for that.
	start func()
	once  sync.Once
}

// begin makes sure f's work is running: it starts a lazy future's work, and
// does nothing for the others. Await calls it, and so can anything that
// wants several futures running side by side before it waits for them.
func (f *Future[T]) begin() {
	if f.start != nil {
		f.start()
	}
}

// Done returns a channel that is closed once f has its result. It does not
// start a lazy future.
func (f *Future[T]) Done() <-chan struct{} { return f.done }

// Cancel asks f's work to stop by cancelling its context, the way dropping
// a future cancels it in Rust. f still completes, with whatever its work
// returns (usually the context's error). Cancelling a finished future, or
// cancelling twice, does nothing.
func (f *Future[T]) Cancel() {
	if f.cancel != nil {
		f.cancel()
	}
}

// ErrTimeout is the error of Timeout when the time is up. It is not
// context.DeadlineExceeded, so a caller can tell "this future took too
// long" from "my own deadline passed". Compare with errors.Is.
var ErrTimeout = errors.New("future: timed out")

// Backoff says how Retry spaces its attempts: exponential backoff, with
// jitter.
type Backoff struct {
	// Initial is the delay after the first failed attempt. Each next delay
	// is twice the one before, up to Max. Must be positive.
	Initial time.Duration
	// Max caps every delay, however many attempts failed.
	Max time.Duration
	// Jitter, if not nil, draws part of each wait at random, so that many
	// clients that failed together do not all retry at the same instant.
	// Nil means no jitter: each wait is exactly its delay.
	Jitter Source
}

// Source draws random numbers. A *rand.Rand from math/rand/v2 is one; the
// specs inject a source that answers what they choose, so that every wait
// can be asserted exactly.
type Source interface {
	// Int64N returns a number in [0, n). It panics if n <= 0.
	Int64N(n int64) int64
}
