package choose

import "context"

// Prioritize takes the next message with next, which tries control alone
// before it waits on everything.
func Prioritize[T any](ctx context.Context, control, data <-chan T, handle func(T)) error {
	// next returns the next message to handle, or ok false when it switched
	// a closed channel off and there is nothing to handle this turn.
	next := func() (m T, ok bool, err error) {
		select {
		case <-ctx.Done():
			return m, false, ctx.Err()
		default:
		}
		select {
		case m, ok = <-control:
			if !ok {
				control = nil
			}
			return m, ok, nil
		default:
		}
		select {
		case m, ok = <-control:
			if !ok {
				control = nil
			}
		case m, ok = <-data:
			if !ok {
				data = nil
			}
		case <-ctx.Done():
			return m, false, ctx.Err()
		}
		return m, ok, nil
	}
	for control != nil || data != nil {
		m, ok, err := next()
		if err != nil {
			return err
		}
		if ok {
			handle(m)
		}
	}
	return nil
}
