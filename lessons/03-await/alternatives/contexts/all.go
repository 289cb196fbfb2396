package future

import (
	"context"
	"errors"
	"sync"
)

// All awaits every future in fs, side by side: one goroutine per future,
// and a WaitGroup that says when they are all done.
func All[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	values := make([]T, len(fs))
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		f.begin()
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-f.Done():
				values[i], errs[i] = f.value, f.err
			case <-ctx.Done():
			}
		}()
	}
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		if ctx.Err() == nil {
			return values, errors.Join(errs...)
		}
	case <-ctx.Done():
	}
	for _, f := range fs {
		f.Cancel()
	}
	<-finished // every waiter returns at once now that ctx has ended
	return nil, ctx.Err()
}
