package choose

import (
	"context"
	"reflect"
)

// This alternative fans in with a goroutine per input (Merge), counts the
// open inputs with a WaitGroup, keeps a data message aside while control
// messages go first (Prioritize), settles a race under a mutex, holds
// Relay's values in a ring, and waits with deadline contexts (Recv) and
// AfterFuncs (Debounce). First keeps a compact list of the channels still
// open, rebuilt as they close, rather than switching cases off.

// First waits for the first value on any of chs; see the lesson for the
// whole contract.
func First[T any](ctx context.Context, chs ...<-chan T) (T, int, error) {
	var zero T
	var cases []reflect.SelectCase
	var index []int // index[k] is the position in chs of cases[k+1]
	cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
	for i, ch := range chs {
		if ch == nil {
			continue // a nil channel never delivers: leave it out
		}
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
		index = append(index, i)
	}
	for len(index) > 0 {
		k, v, ok := reflect.Select(cases)
		if k == 0 {
			return zero, -1, ctx.Err()
		}
		if ok {
			if v.Kind() == reflect.Interface && v.IsNil() { // a nil interface value: T's zero value
				return zero, index[k-1], nil
			}
			return v.Interface().(T), index[k-1], nil
		}
		cases = append(cases[:k], cases[k+1:]...)
		index = append(index[:k-1], index[k:]...)
	}
	return zero, -1, ErrAllClosed
}
