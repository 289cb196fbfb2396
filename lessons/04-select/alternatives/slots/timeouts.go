package choose

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Recv receives one value from ch, waiting at most d on clk: an AfterFunc
// closes a channel when the time is up.
func Recv[T any](ctx context.Context, clk clock.Clock, d time.Duration, ch <-chan T) (T, error) {
	var zero T
	up := make(chan struct{})
	alarm := clk.AfterFunc(d, func() { close(up) })
	defer alarm.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, ErrClosed
		}
		return v, nil
	case <-up:
		return zero, fmt.Errorf("%w (%v)", ErrTimeout, d)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Watch counts the beats; at each tick, the count compared with the one at
// the previous tick says whether a beat came in between.
func Watch(ctx context.Context, clk clock.Clock, period time.Duration, beats <-chan struct{}, report func(missed int)) error {
	ticker := clk.NewTicker(period)
	defer ticker.Stop()
	var seen, seenAtTick uint64
	missed := 0
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-beats:
			if !ok {
				return nil
			}
			seen++
		case <-ticker.C:
			if seen != seenAtTick {
				missed = 0
			} else {
				missed++
			}
			seenAtTick = seen
			report(missed)
		}
	}
}

// Debounce sends the last value of each burst once quiet has passed with
// no new one; each value stops the previous timer and starts a new one.
func Debounce[T any](ctx context.Context, clk clock.Clock, quiet time.Duration, in <-chan T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		var timer *clock.Timer
		stop := func() {
			if timer != nil {
				timer.Stop()
				timer = nil
			}
		}
		defer stop()
		var latest T
		for {
			var due <-chan time.Time
			if timer != nil {
				due = timer.C
			}
			select {
			case <-ctx.Done():
				return
			case v, ok := <-in:
				if !ok {
					if timer != nil {
						stop()
						select {
						case out <- latest:
						case <-ctx.Done():
						}
					}
					return
				}
				stop()
				latest = v
				timer = clk.NewTimer(quiet)
			case <-due:
				timer = nil
				select {
				case out <- latest:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
