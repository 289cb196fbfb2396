package choose

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// Recv receives one value from ch, waiting at most d on clk: a deadline
// context of clk's stands for the timer.
func Recv[T any](ctx context.Context, clk clock.Clock, d time.Duration, ch <-chan T) (T, error) {
	var zero T
	limit, release := clk.WithTimeout(ctx, d)
	defer release()
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, fmt.Errorf("receive: %w", ErrClosed)
		}
		return v, nil
	case <-limit.Done():
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		return zero, fmt.Errorf("receive: %w after %v", ErrTimeout, d)
	}
}

// Watch counts missed beats at every tick from the number of ticks since the
// last beat.
func Watch(ctx context.Context, clk clock.Clock, period time.Duration, beats <-chan struct{}, report func(missed int)) error {
	ticker := clk.NewTicker(period)
	defer ticker.Stop()
	// ticks counts the ticks so far; lastBeat is what ticks was when the
	// last beat came (-1: none yet, as if one came just before the start).
	ticks, lastBeat := 0, -1
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-beats:
			if !ok {
				return nil
			}
			lastBeat = ticks
		case <-ticker.C:
			ticks++
			report(ticks - 1 - lastBeat)
		}
	}
}

// Debounce sends the last value of each burst once quiet has passed with
// no new one; each value arms an AfterFunc of clk's that closes a channel of
// its own, and the previous one is stopped.
func Debounce[T any](ctx context.Context, clk clock.Clock, quiet time.Duration, in <-chan T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		var (
			alarm  *clock.Timer
			due    chan struct{} // closed by the current alarm; nil while no value waits
			latest T
		)
		defer func() {
			if alarm != nil {
				alarm.Stop()
			}
		}()
		emit := func() bool {
			due = nil
			select {
			case out <- latest:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case v, ok := <-in:
				if !ok {
					if due != nil {
						emit()
					}
					return
				}
				latest = v
				if alarm != nil {
					alarm.Stop()
				}
				ring := make(chan struct{})
				alarm = clk.AfterFunc(quiet, func() { close(ring) })
				due = ring
			case <-due:
				if !emit() {
					return
				}
			}
		}
	}()
	return out
}
