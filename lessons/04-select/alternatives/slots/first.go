package choose

import (
	"context"
	"reflect"
)

// This alternative gives each input an atomic count and a goroutine (Merge),
// each racer a slot of its own and a receipt to collect (Race), Relay a head
// value plus a buffered channel for the rest, and waits with AfterFuncs
// (Recv) and a fresh timer per value (Debounce). First swaps a closed
// channel's case with the last open one and shrinks the list.

// First waits for the first value on any of chs; see the lesson for the
// whole contract.
func First[T any](ctx context.Context, chs ...<-chan T) (value T, from int, err error) {
	cases := make([]reflect.SelectCase, 0, len(chs)+1)
	where := make([]int, 0, len(chs)) // where[k]: the position in chs of cases[k]
	for i, ch := range chs {
		if ch != nil {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
			where = append(where, i)
		}
	}
	for n := len(where); n > 0; {
		// The context's case goes last, after the n open channels.
		all := append(cases[:n:n], reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
		k, v, ok := reflect.Select(all)
		switch {
		case k == n:
			return value, -1, ctx.Err()
		case ok:
			reflect.ValueOf(&value).Elem().Set(v) // a nil interface value sets T's zero value
			return value, where[k], nil
		}
		n--
		cases[k], where[k] = cases[n], where[n]
	}
	return value, -1, ErrAllClosed
}
