package choose

import (
	"context"
	"reflect"
)

// First waits for the first value to come on any of chs and returns it with
// the index of the channel it came from: a select over a slice of channels,
// the counterpart of a tokio::select! whose branches are all recv().
//
//   - It takes one value, and only one: the other channels keep theirs.
//   - When several channels are ready, it picks one at random, as select
//     does, so that no channel starves.
//   - A closed channel is not a value: First switches its case off and goes
//     on waiting on the others. Once every channel is closed (or if chs is
//     empty) it returns ErrAllClosed: select!'s else branch. A nil channel
//     is a case switched off from the start.
//   - If ctx ends first, it returns ctx.Err(), and from = -1.
//
// While nothing is ready, First blocks: it must not spin in a loop.
func First[T any](ctx context.Context, chs ...<-chan T) (value T, from int, err error) {
	// A select statement has a fixed list of cases; reflect.Select takes a
	// slice of them. Case 0 is the context, case i+1 is chs[i].
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
			return value, -1, ctx.Err()
		}
		if !ok {
			// Closed: switch the case off. A zero Chan is reflect's nil
			// channel, a case that is never chosen.
			cases[chosen].Chan = reflect.Value{}
			open--
			continue
		}
		value, _ = v.Interface().(T) // the comma form: a nil interface value is T's zero value
		return value, chosen - 1, nil
	}
	return value, -1, ErrAllClosed
}
