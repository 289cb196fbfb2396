// Package choose is the interchange of lesson 04: code that waits on several
// things at once and takes whichever comes first. It is Go's answer to
// tokio::select!: the select statement, a select over a slice of channels
// (reflect.Select), contexts to stop the goroutines that lost, the nil-channel
// idiom to switch a case off, and timers and tickers on an injected clock.
//
// The big difference with Tokio: when a select! branch wins, Tokio drops the
// other futures, and dropping a future cancels it. When a Go select picks a
// case, the goroutines behind the other cases run on. Nothing stops them but
// a context you cancel, and nothing proves they stopped but a wait.
//
// This file is given: the errors the exercises share. The exercises are in
// the other files, one file each.
package choose

import "errors"

// Errors the package returns. Compare with errors.Is.
var (
	// ErrAllClosed: every channel First was given is closed (or it was given
	// none), so no value can ever come. It is select!'s else branch.
	ErrAllClosed = errors.New("choose: every channel is closed")
	// ErrNoContenders: Race was given no function to run.
	ErrNoContenders = errors.New("choose: nothing to race")
	// ErrTimeout: the time was up before a value came.
	ErrTimeout = errors.New("choose: timed out")
	// ErrClosed: the channel was closed before a value came.
	ErrClosed = errors.New("choose: channel closed")
)
