package choose

import "context"

// Race runs every function of fns at once, each on a goroutine of its own,
// and returns the value of the first one to succeed (return a nil error):
// the counterpart of a tokio::select! over futures, with the losers dropped.
//
//   - A failure is not a win: Race waits for the others. If every function
//     fails, it returns an error that matches every one of their errors
//     (errors.Join).
//   - As soon as one succeeds, Race cancels the context the others were
//     given, and it returns only once every one of them has returned: no
//     goroutine of Race's outlives the call.
//   - If ctx ends first, Race stops every function the same way and returns
//     ctx.Err().
//   - With no function at all, it returns ErrNoContenders.
//
// In Tokio, dropping the losing futures cancels them. In Go, a goroutine
// runs until it returns: cancel the losers' context, then wait for them.
func Race[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	// TODO(select): start each function on a goroutine with a context you can cancel; take results from a channel; cancel and wait for the losers.
	panic("TODO(select): implement Race in solutions/choose/race.go")
}
