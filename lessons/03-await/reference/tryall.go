package future

import "context"

// TryAll awaits every future in fs, like All, but fails fast: the
// counterpart of tokio's try_join!. As soon as one future fails, whichever
// it is in fs, TryAll cancels all the others and returns that error at
// once, without waiting for the slower ones. When every future succeeds, it
// returns their values in the order of fs (none at all for no future: it
// returns at once). If ctx ends first, it returns ctx.Err() at once and
// cancels every future.
func TryAll[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop() // the waiters below end with TryAll

	type outcome struct {
		i     int
		value T
		err   error
	}
	// Room for every outcome: a waiter never blocks on its send, even after
	// TryAll returned.
	outcomes := make(chan outcome, len(fs))
	for i, f := range fs {
		go func() {
			value, err := f.Await(ctx)
			outcomes <- outcome{i, value, err}
		}()
	}

	values := make([]T, len(fs))
	for range fs {
		select {
		case o := <-outcomes:
			if o.err != nil {
				for _, f := range fs {
					f.Cancel() // the others' results are of no use any more: stop their work
				}
				return nil, o.err
			}
			values[o.i] = o.value
		case <-ctx.Done():
			for _, f := range fs {
				f.Cancel()
			}
			return nil, ctx.Err()
		}
	}
	return values, nil
}
