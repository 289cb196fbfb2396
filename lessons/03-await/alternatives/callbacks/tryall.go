package future

import (
	"context"
	"reflect"
)

// TryAll awaits every future in fs at once and fails fast, with no goroutine
// of its own: one reflect.Select over every future's done channel and
// ctx.Done(). A future whose result is in is switched off (its channel set
// to nil).
func TryAll[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	cases := make([]reflect.SelectCase, len(fs)+1)
	for i, f := range fs {
		f.begin()
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(f.Done())}
	}
	cases[len(fs)] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}

	values := make([]T, len(fs))
	for range fs {
		i, _, _ := reflect.Select(cases)
		if i == len(fs) {
			cancelEvery(fs)
			return nil, ctx.Err()
		}
		if err := fs[i].err; err != nil {
			cancelEvery(fs)
			return nil, err
		}
		values[i] = fs[i].value
		cases[i].Chan = reflect.Value{} // the zero Value: this case never fires again
	}
	return values, nil
}

func cancelEvery[T any](fs []*Future[T]) {
	for _, f := range fs {
		f.Cancel()
	}
}
