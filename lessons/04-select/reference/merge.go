package choose

import (
	"context"
	"reflect"
)

// Merge fans in: it returns a channel that carries every value of every one
// of chs, and that is closed exactly when every one of them is closed.
//
//   - No value is lost and none is duplicated; the values of one input come
//     out in the order they went in.
//   - The returned channel stays open while any input is open. With no
//     inputs at all, it is closed at once.
//   - When ctx ends, Merge stops forwarding and closes its channel, even if
//     inputs are still open or nobody reads: every goroutine it started
//     ends.
//
// The goroutines Merge starts block while there is nothing to do: they never
// spin in a loop.
func Merge[T any](ctx context.Context, chs ...<-chan T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		// Case 0 is the context, case i+1 is chs[i].
		cases := make([]reflect.SelectCase, len(chs)+1)
		cases[0] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}
		open := 0
		for i, ch := range chs {
			cases[i+1] = reflect.SelectCase{Dir: reflect.SelectRecv}
			if ch != nil {
				cases[i+1].Chan = reflect.ValueOf(ch)
				open++
			}
		}
		for open > 0 {
			chosen, v, ok := reflect.Select(cases)
			if chosen == 0 {
				return
			}
			if !ok {
				// This input is done, the others may not be: switch its case
				// off (the nil-channel idiom) and go on.
				cases[chosen].Chan = reflect.Value{}
				open--
				continue
			}
			value, _ := v.Interface().(T)
			select {
			case out <- value:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
