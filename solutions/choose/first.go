package choose

import "context"

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
	// TODO(select): build a reflect.SelectCase per channel plus one for ctx.Done(), then reflect.Select in a loop; switch a closed case off.
	panic("TODO(select): implement First in solutions/choose/first.go")
}
