package choose

import (
	"context"
	"errors"
)

// Race gives every function a slot for its result and collects one receipt
// per function: the index of the slot just filled. Collecting every receipt
// is the proof that every function returned.
func Race[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	var zero T
	if len(fns) == 0 {
		return zero, ErrNoContenders
	}
	raceCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	values := make([]T, len(fns))
	errs := make([]error, len(fns))
	receipts := make(chan int, len(fns))
	for i, fn := range fns {
		go func() {
			values[i], errs[i] = fn(raceCtx)
			receipts <- i
		}()
	}
	winner := -1
	for range fns {
		i := <-receipts // fns see raceCtx: once it is cancelled, they all come back
		if errs[i] == nil && winner < 0 {
			winner = i
			cancel()
		}
		if ctx.Err() != nil {
			cancel()
		}
	}
	switch {
	case winner >= 0:
		return values[winner], nil
	case ctx.Err() != nil:
		return zero, ctx.Err()
	}
	return zero, errors.Join(errs...)
}
