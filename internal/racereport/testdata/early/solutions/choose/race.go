// Package choose is a fixture: a Race that cancels the losers but returns
// without waiting for them.
package choose

import (
	"context"
	"sync"
)

func Race[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	raceCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan T, len(fns))
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(func() {
			if v, err := fn(raceCtx); err == nil {
				results <- v
			}
		})
	}
	return <-results, nil // no wg.Wait(): the losers outlive Race
}
