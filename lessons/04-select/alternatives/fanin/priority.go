package choose

import "context"

// Prioritize waits on both channels at once; when it takes a data message,
// it keeps it aside and first handles every control message already
// waiting.
func Prioritize[T any](ctx context.Context, control, data <-chan T, handle func(T)) error {
	// drainControl handles every control message waiting now; it reports
	// false if ctx has ended.
	drainControl := func() bool {
		for control != nil {
			if ctx.Err() != nil {
				return false
			}
			select {
			case m, ok := <-control:
				if !ok {
					control = nil
					return true
				}
				handle(m)
			default:
				return true
			}
		}
		return ctx.Err() == nil
	}
	for control != nil || data != nil {
		if !drainControl() {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
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
			// A control message may have come while this select chose
			// data: it still goes first.
			if !drainControl() {
				return ctx.Err()
			}
			handle(m)
		}
	}
	return nil
}
