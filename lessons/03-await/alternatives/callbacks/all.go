package future

import (
	"context"
	"errors"
)

// All awaits every future in fs, side by side: a goroutine per future sends
// its index and result on a channel with room for all of them.
func All[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	type result struct {
		i     int
		value T
		err   error
	}
	results := make(chan result, len(fs))
	quit := make(chan struct{})
	defer close(quit)
	for i, f := range fs {
		f.begin()
		go func() {
			select {
			case <-f.Done():
				results <- result{i, f.value, f.err}
			case <-quit:
			}
		}()
	}
	values := make([]T, len(fs))
	errs := make([]error, len(fs)) // by index, so the joined error lists them in the order of fs
	for range fs {
		select {
		case r := <-results:
			values[r.i], errs[r.i] = r.value, r.err
		case <-ctx.Done():
			for _, f := range fs {
				f.Cancel()
			}
			return nil, ctx.Err()
		}
	}
	return values, errors.Join(errs...)
}
