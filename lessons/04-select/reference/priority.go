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
	for control != nil || data != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		// First look at control alone, without waiting: a select with a
		// default case never blocks.
		select {
		case m, ok := <-control:
			if !ok {
				control = nil // a nil channel's case is never chosen
				continue
			}
			handle(m)
			continue
		default:
		}
		// Nothing on control right now: wait for whichever comes first. If a
		// control message and a data message both arrive before this select
		// runs, it picks at random; the check above wins the next turn.
		select {
		case m, ok := <-control:
			if !ok {
				control = nil
				continue
			}
			handle(m)
		case m, ok := <-data:
			if !ok {
				data = nil
				continue
			}
			handle(m)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
