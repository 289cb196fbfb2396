package choose

import (
	"context"
	"errors"
	"sync"
)

// Race runs every function of fns at once, each on a goroutine of its own,
// and returns the value of the first one to succeed (return a nil error):
// the counterpart of a tokio::select! over futures, with the losers dropped.
//
//   - A failure is not a win: Race waits for the others. If every function
//     fails, it returns an error that matches every one of their errors
//     (errors.Join).
//   - As soon as one succeeds, Race cancels the context the others were
//     given, and it returns only once every one of them has returned: no
//     goroutine of Race's outlives the call.
//   - If ctx ends first, Race stops every function the same way and returns
//     ctx.Err().
//   - With no function at all, it returns ErrNoContenders.
//
// In Tokio, dropping the losing futures cancels them. In Go, a goroutine
// runs until it returns: cancel the losers' context, then wait for them.
func Race[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	var zero T
	if len(fns) == 0 {
		return zero, ErrNoContenders
	}
	raceCtx, cancel := context.WithCancel(ctx)
	type result struct {
		value T
		err   error
	}
	// One place per function: a goroutine can always hand in its result
	// and end, even once Race has stopped listening.
	results := make(chan result, len(fns))
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(func() {
			value, err := fn(raceCtx)
			results <- result{value, err}
		})
	}
	stop := func() {
		cancel()  // the losers' signal to stop...
		wg.Wait() // ...and the proof that they did
	}

	errs := make([]error, 0, len(fns))
	for range fns {
		select {
		case r := <-results:
			if r.err == nil {
				stop()
				return r.value, nil
			}
			errs = append(errs, r.err)
		case <-raceCtx.Done(): // only ctx can end it while we are here
			stop()
			return zero, ctx.Err()
		}
	}
	stop()
	if err := ctx.Err(); err != nil {
		// The functions failed because ctx ended (they may say so in words
		// of their own): the caller's news is that its context ended.
		return zero, err
	}
	return zero, errors.Join(errs...)
}
