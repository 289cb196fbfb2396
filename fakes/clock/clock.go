// Package clock is the time source learner code receives.
//
// Production code takes a Clock and is given Real(), which is package time.
// Specs give it a *Fake instead: virtual time that moves only when the spec
// calls Advance, so a spec about a one-hour timeout runs in microseconds and
// never depends on how busy the machine is.
//
// The shapes follow package time on purpose: a Timer has a channel C and
// Stop/Reset with the standard results, a Ticker drops ticks for a slow
// reader, and the Go 1.23 rule holds for both clocks: once Stop or Reset has
// returned, no stale value can be received from C.
package clock

import (
	"context"
	"time"
)

// Clock is everything learner code needs from time. Pass Real() in
// production and a *Fake in specs.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Since returns the time elapsed since t.
	Since(t time.Time) time.Duration
	// Until returns the duration until t.
	Until(t time.Time) time.Duration
	// Sleep blocks for at least d. It returns at once when d <= 0.
	Sleep(d time.Duration)
	// After returns a channel that receives the current time once d has
	// elapsed, like time.After.
	After(d time.Duration) <-chan time.Time
	// NewTimer returns a timer that sends the current time on its channel
	// after d, like time.NewTimer.
	NewTimer(d time.Duration) *Timer
	// AfterFunc calls f after d, like time.AfterFunc. The returned timer
	// has a nil channel.
	AfterFunc(d time.Duration, f func()) *Timer
	// NewTicker returns a ticker that ticks every d, like time.NewTicker.
	// It panics if d <= 0.
	NewTicker(d time.Duration) *Ticker
	// WithTimeout is context.WithTimeout measured on this clock.
	WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
	// WithDeadline is context.WithDeadline measured on this clock.
	WithDeadline(ctx context.Context, t time.Time) (context.Context, context.CancelFunc)
}

// Timer is a single event, the counterpart of *time.Timer. A timer made by
// AfterFunc has a nil C.
type Timer struct {
	C <-chan time.Time

	real *time.Timer
	fake *fakeTimer
}

// Stop prevents the timer from firing. It returns true if the call stops
// the timer, false if it had already fired or been stopped. After Stop
// returns, no value from before the call can be received from C.
func (t *Timer) Stop() bool {
	if t.fake != nil {
		return t.fake.stop()
	}
	return t.real.Stop()
}

// Reset changes the timer to fire after d. It returns true if the timer
// was active. After Reset returns, no value from before the call can be
// received from C.
func (t *Timer) Reset(d time.Duration) bool {
	if t.fake != nil {
		return t.fake.reset(d, 0)
	}
	return t.real.Reset(d)
}

// Ticker delivers ticks at intervals, the counterpart of *time.Ticker.
type Ticker struct {
	C <-chan time.Time

	real *time.Ticker
	fake *fakeTimer
}

// Stop turns the ticker off. No more ticks will be sent, and no tick from
// before the call can be received once it returns.
func (t *Ticker) Stop() {
	if t.fake != nil {
		t.fake.stop()
		return
	}
	t.real.Stop()
}

// Reset stops the ticker and resets its period to d; the next tick arrives
// after d. It panics if d <= 0, like time.Ticker.Reset.
func (t *Ticker) Reset(d time.Duration) {
	if d <= 0 {
		panic("clock: non-positive interval for Ticker.Reset")
	}
	if t.fake != nil {
		t.fake.reset(d, d)
		return
	}
	t.real.Reset(d)
}

// Real returns the Clock backed by package time.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) Since(t time.Time) time.Duration        { return time.Since(t) }
func (realClock) Until(t time.Time) time.Duration        { return time.Until(t) }
func (realClock) Sleep(d time.Duration)                  { time.Sleep(d) }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func (realClock) NewTimer(d time.Duration) *Timer {
	t := time.NewTimer(d)
	return &Timer{C: t.C, real: t}
}

func (realClock) AfterFunc(d time.Duration, f func()) *Timer {
	return &Timer{real: time.AfterFunc(d, f)}
}

func (realClock) NewTicker(d time.Duration) *Ticker {
	t := time.NewTicker(d)
	return &Ticker{C: t.C, real: t}
}

func (realClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

func (realClock) WithDeadline(ctx context.Context, t time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, t)
}
