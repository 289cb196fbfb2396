package choose

import (
	"context"
	"errors"
	"sync"
)

// Race runs every function at once; the first success, under a mutex,
// records its value and cancels the others. Race returns once every
// function has returned.
func Race[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	var zero T
	if len(fns) == 0 {
		return zero, ErrNoContenders
	}
	raceCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu     sync.Mutex
		won    bool
		winner T
		errs   = make([]error, len(fns))
		wg     sync.WaitGroup
	)
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := fn(raceCtx)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs[i] = err
			case !won:
				won, winner = true, v
				cancel()
			}
		}()
	}
	wg.Wait()
	switch {
	case won:
		return winner, nil
	case ctx.Err() != nil:
		return zero, ctx.Err()
	}
	return zero, errors.Join(errs...)
}
