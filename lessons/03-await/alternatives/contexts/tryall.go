package future

import (
	"context"
	"sync"
)

// TryAll awaits every future in fs and fails fast. Each future has a
// watcher; the first to see an error records it under a mutex and closes
// failed; the last to see a success closes succeeded.
func TryAll[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	watch, stop := context.WithCancel(ctx)
	defer stop()

	var (
		mu        sync.Mutex
		values    = make([]T, len(fs))
		firstErr  error
		left      = len(fs)
		failed    = make(chan struct{})
		succeeded = make(chan struct{})
	)
	if left == 0 {
		close(succeeded)
	}
	for i, f := range fs {
		f.begin()
		go func() {
			select {
			case <-f.Done():
			case <-watch.Done():
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case f.err != nil && firstErr == nil:
				firstErr = f.err
				close(failed)
			case f.err == nil:
				values[i] = f.value
				left--
				if left == 0 && firstErr == nil {
					close(succeeded)
				}
			}
		}()
	}

	cancelAll := func() {
		for _, f := range fs {
			f.Cancel()
		}
	}
	select {
	case <-succeeded:
		mu.Lock()
		defer mu.Unlock()
		return values, nil
	case <-failed:
		cancelAll()
		mu.Lock()
		defer mu.Unlock()
		return nil, firstErr
	case <-ctx.Done():
		cancelAll()
		return nil, ctx.Err()
	}
}
