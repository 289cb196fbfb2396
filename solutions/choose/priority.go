package choose

import "context"

// Prioritize hands every message of control and of data to handle, one at a
// time, until both channels are closed (it then returns nil) or ctx ends (it
// then returns ctx.Err(), and handles nothing more).
//
// Control messages come first: whenever a control message is waiting,
// Prioritize handles it before any data message, even if data messages were
// waiting too. That is what tokio::select!'s biased; gives you. Go's select
// picks at random among the ready cases, so the bias is yours to build.
//
// A closed channel's case must be switched off (the nil-channel idiom), or
// the loop would spin on it. While no message is waiting, Prioritize blocks:
// it must not spin in a loop.
func Prioritize[T any](ctx context.Context, control, data <-chan T, handle func(T)) error {
	// TODO(select): loop: look at control first with a select that has a default case, then wait on control, data and ctx together.
	panic("TODO(select): implement Prioritize in solutions/choose/priority.go")
}
