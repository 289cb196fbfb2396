package clock_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
)

// These tests pin down what package time leaves undefined and the fake
// defines, and what only the fake has: ties, misuse, AdvanceTo(Next),
// Pending, scale.

// here returns the file:line of its caller, to compare with ArmedAt.
func here() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", file, line)
}

// panicMessage runs fn and returns what it panicked with, as a string ("" if
// it did not panic).
func panicMessage(fn func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	fn()
	return ""
}

// within waits for ch to be closed (or to yield a value), failing the test
// after a real-time budget: the budget only turns a hang into a failure.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("still waiting for %s after 5s of real time", what)
		panic("unreachable")
	}
}

func TestFake_startsAtEpoch(t *testing.T) {
	f := clock.NewFake()
	assert.Equal(t, clock.Epoch, f.Now())
	assert.Equal(t, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), clock.Epoch)
	assert.Equal(t, time.Duration(0), f.Since(clock.Epoch))
	assert.Equal(t, time.Hour, f.Until(clock.Epoch.Add(time.Hour)))

	start := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	g := clock.NewFake(clock.StartingAt(start))
	assert.Equal(t, start, g.Now())
	g.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), g.Now())
	assert.Contains(t, g.String(), "fake clock at +1m0s")
}

func TestFake_tiesFireInArmingOrder(t *testing.T) {
	f := clock.NewFake()
	var order []string
	add := func(name string) func() { return func() { order = append(order, name) } }

	a := f.AfterFunc(time.Second, add("a"))
	f.AfterFunc(time.Second, add("b"))
	ch := f.NewTimer(time.Second)
	f.AfterFunc(time.Second, func() {
		// Channel timers armed earlier at the same instant have fired.
		order = append(order, fmt.Sprintf("c sees the channel timer ready: %v", len(ch.C) == 1))
	})
	f.AfterFunc(time.Second, add("d"))
	require.True(t, a.Reset(time.Second), "Reset of a pending timer") // a is re-armed: now last
	late := f.AfterFunc(2*time.Second, add("armed at 0 for 2s"))      // earlier arming...
	f.Advance(time.Second)                                            // (fires b, c, d, a)
	f.AfterFunc(time.Second, add("armed at 1s for 1s"))               // ...fires first on a tie
	tk := f.NewTicker(500 * time.Millisecond)                         // ticks at 1.5s then 2s, re-armed at 1.5s
	f.AfterFunc(time.Second, add("armed at 1s after the ticker"))     // before the ticker's 2s tick
	f.AfterFunc(time.Second, func() { order = append(order, "ticker: "+poll(tk.C)) })
	f.Advance(time.Second)
	_ = late

	assert.Equal(t, []string{
		"b",
		"c sees the channel timer ready: true",
		"d",
		"a",
		"armed at 0 for 2s",
		"armed at 1s for 1s",
		"armed at 1s after the ticker",
		// The ticker ticked at 1.5s and was re-armed then, after the
		// callbacks above, so its 2s tick comes after them: this callback
		// still sees the 1.5s tick.
		"ticker: value +1.5s",
	}, order)
}

func TestFake_nowIsEachDeadlineWhileFiring(t *testing.T) {
	f := clock.NewFake()
	var seen []time.Duration
	for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
		f.AfterFunc(d, func() { seen = append(seen, f.Since(clock.Epoch)) })
	}
	f.Advance(5 * time.Second)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, seen)
	assert.Equal(t, 5*time.Second, f.Since(clock.Epoch), "Advance ends at its target")
}

func TestFake_misuse(t *testing.T) {
	t.Run("negative Advance", func(t *testing.T) {
		f := clock.NewFake()
		f.NewTimer(time.Second)
		at := here()
		f.AfterFunc(time.Minute, func() {})
		msg := panicMessage(func() { f.Advance(-time.Nanosecond) })
		assert.Contains(t, msg, "Advance(-1ns): time cannot go backwards")
		assert.Contains(t, msg, "2 pending timer(s)")
		assert.Contains(t, msg, "AfterFunc of 1m0s, due at +1m0s, armed at "+incLine(at, 1))
		assert.Equal(t, clock.Epoch, f.Now(), "a refused Advance does not move the clock")
	})
	t.Run("AdvanceTo in the past", func(t *testing.T) {
		f := clock.NewFake()
		f.Advance(time.Hour)
		msg := panicMessage(func() { f.AdvanceTo(clock.Epoch.Add(time.Minute)) })
		assert.Contains(t, msg, "AdvanceTo(+1m0s): that is 59m0s before now")
		assert.Contains(t, msg, "no pending timers")
		assert.Equal(t, clock.Epoch.Add(time.Hour), f.Now())
	})
	t.Run("concurrent Advance", func(t *testing.T) {
		f := clock.NewFake()
		inside, release, advanced := make(chan struct{}), make(chan struct{}), make(chan struct{})
		f.AfterFunc(time.Second, func() {
			close(inside)
			<-release
		})
		at := here()
		f.NewTimer(time.Hour)
		go func() {
			defer close(advanced)
			f.Advance(2 * time.Second)
		}()
		within(t, inside, "the callback")
		msg := panicMessage(func() { f.Advance(time.Second) })
		assert.Contains(t, msg, "Advance(1s) called while another Advance is running")
		assert.Contains(t, msg, "timer of 1h0m0s, due at +1h0m0s, armed at "+incLine(at, 1))
		msg = panicMessage(func() { f.AdvanceToNext() })
		assert.Contains(t, msg, "AdvanceToNext() called while another Advance is running")
		close(release)
		within(t, advanced, "the first Advance")
		assert.Equal(t, clock.Epoch.Add(2*time.Second), f.Now())
	})
	t.Run("Advance from a callback, then the clock still works", func(t *testing.T) {
		f := clock.NewFake()
		f.AfterFunc(time.Second, func() { f.Advance(time.Second) })
		fired := false
		f.AfterFunc(2*time.Second, func() { fired = true })
		msg := panicMessage(func() { f.Advance(time.Second) })
		assert.Contains(t, msg, "called while another Advance is running")
		f.Advance(time.Second)
		assert.True(t, fired)
		assert.Equal(t, clock.Epoch.Add(2*time.Second), f.Now())
	})
	t.Run("a panicking callback leaves the clock usable", func(t *testing.T) {
		f := clock.NewFake()
		f.AfterFunc(time.Second, func() { panic("boom") })
		tm := f.NewTimer(2 * time.Second)
		assert.Equal(t, "boom", panicMessage(func() { f.Advance(3 * time.Second) }))
		assert.Equal(t, clock.Epoch.Add(time.Second), f.Now(), "the clock stopped at the panicking timer")
		f.Advance(time.Second)
		assert.Equal(t, "value +2s", poll(tm.C))
	})
	t.Run("NewTicker and Reset with a non-positive period", func(t *testing.T) {
		f := clock.NewFake()
		assert.Contains(t, panicMessage(func() { f.NewTicker(0) }), "non-positive interval for NewTicker")
		tk := f.NewTicker(time.Second)
		assert.Contains(t, panicMessage(func() { tk.Reset(-1) }), "non-positive interval for Ticker.Reset")
		assert.Len(t, f.Pending(), 1, "a refused Reset leaves the ticker alone")
	})
}

// incLine adds n to the line number of a file:line.
func incLine(at string, n int) string {
	i := strings.LastIndexByte(at, ':')
	var line int
	fmt.Sscan(at[i+1:], &line)
	return fmt.Sprintf("%s:%d", at[:i], line+n)
}

func TestFake_AdvanceTo(t *testing.T) {
	f := clock.NewFake()
	tm := f.NewTimer(time.Second)
	f.AdvanceTo(clock.Epoch.Add(time.Second - 1))
	assert.Equal(t, "empty", poll(tm.C))
	f.AdvanceTo(clock.Epoch.Add(time.Second))
	assert.Equal(t, "value +1s", poll(tm.C))
	f.AdvanceTo(f.Now()) // standing still is fine
	assert.Equal(t, clock.Epoch.Add(time.Second), f.Now())
}

func TestFake_AdvanceToNext(t *testing.T) {
	f := clock.NewFake()
	d, ok := f.AdvanceToNext()
	assert.False(t, ok, "nothing pending")
	assert.Zero(t, d)
	assert.Equal(t, clock.Epoch, f.Now())

	var fired []string
	f.AfterFunc(3*time.Second, func() { fired = append(fired, "3s") })
	f.AfterFunc(time.Second, func() { fired = append(fired, "1s a") })
	f.AfterFunc(time.Second, func() { fired = append(fired, "1s b") })
	tk := f.NewTicker(2 * time.Second)

	d, ok = f.AdvanceToNext()
	assert.True(t, ok)
	assert.Equal(t, time.Second, d)
	assert.Equal(t, []string{"1s a", "1s b"}, fired, "every timer due at that instant fires")

	d, ok = f.AdvanceToNext()
	assert.True(t, ok)
	assert.Equal(t, time.Second, d)
	assert.Equal(t, "value +2s", poll(tk.C))

	d, _ = f.AdvanceToNext()
	assert.Equal(t, time.Second, d)
	assert.Equal(t, []string{"1s a", "1s b", "3s"}, fired)
	d, _ = f.AdvanceToNext()
	assert.Equal(t, time.Second, d, "the ticker's next tick at 4s")
	tk.Stop()
	_, ok = f.AdvanceToNext()
	assert.False(t, ok)
	assert.Equal(t, clock.Epoch.Add(4*time.Second), f.Now())
}

func TestFake_Pending(t *testing.T) {
	f := clock.NewFake()
	assert.Empty(t, f.Pending())
	f.Advance(time.Second)

	atTimer := here()
	tm := f.NewTimer(3 * time.Second)
	atFunc := here()
	f.AfterFunc(time.Second, func() {})
	atTicker := here()
	tk := f.NewTicker(2 * time.Second)
	atCtx := here()
	_, cancel := f.WithTimeout(t.Context(), time.Second) // same deadline as the AfterFunc, armed later
	defer cancel()
	atAfter := here()
	_ = f.After(time.Hour)
	sleeping := make(chan struct{})
	var atSleep string
	go func() {
		defer close(sleeping)
		atSleep = here()
		f.Sleep(90 * time.Minute)
	}()
	require.NoError(t, f.WaitForSleepers(t.Context(), 1))

	ps := f.Pending()
	require.Len(t, ps, 6)
	type row struct {
		Kind     clock.Kind
		Duration time.Duration
		Deadline time.Duration
		Period   time.Duration
		ArmedAt  string
	}
	var rows []row
	for _, p := range ps {
		rows = append(rows, row{p.Kind, p.Duration, p.Deadline.Sub(clock.Epoch), p.Period, p.ArmedAt()})
	}
	assert.Equal(t, []row{
		{clock.KindFunc, time.Second, 2 * time.Second, 0, incLine(atFunc, 1)},
		{clock.KindDeadline, time.Second, 2 * time.Second, 0, incLine(atCtx, 1)},
		{clock.KindTicker, 2 * time.Second, 3 * time.Second, 2 * time.Second, incLine(atTicker, 1)},
		{clock.KindTimer, 3 * time.Second, 4 * time.Second, 0, incLine(atTimer, 1)},
		{clock.KindTimer, time.Hour, time.Hour + time.Second, 0, incLine(atAfter, 1)},
		{clock.KindSleep, 90 * time.Minute, 90*time.Minute + time.Second, 0, incLine(atSleep, 1)},
	}, rows)
	assert.Equal(t, []string{"timer", "AfterFunc", "ticker", "Sleep", "context deadline", "Kind(9)"},
		[]string{clock.KindTimer.String(), clock.KindFunc.String(), clock.KindTicker.String(),
			clock.KindSleep.String(), clock.KindDeadline.String(), clock.Kind(9).String()})

	// Reset moves a timer and records where it was reset.
	atReset := here()
	tm.Reset(10 * time.Second)
	ps = f.Pending()
	require.Len(t, ps, 6)
	moved := ps[3]
	assert.Equal(t, clock.KindTimer, moved.Kind)
	assert.Equal(t, 10*time.Second, moved.Duration)
	assert.Equal(t, 11*time.Second, moved.Deadline.Sub(clock.Epoch))
	assert.Equal(t, incLine(atReset, 1), moved.ArmedAt())

	// Stopped and fired timers are no longer pending; a ticker stays.
	tk.Stop()
	f.Advance(time.Second)
	for _, p := range f.Pending() {
		assert.NotEqual(t, clock.KindFunc, p.Kind)
		assert.NotEqual(t, clock.KindDeadline, p.Kind)
		assert.NotEqual(t, clock.KindTicker, p.Kind)
	}
	assert.Len(t, f.Pending(), 3)
	desc := f.String()
	assert.Contains(t, desc, "fake clock at +2s (2000-01-01T00:00:02Z); 3 pending timer(s):")
	assert.Contains(t, desc, "\n  Sleep of 1h30m0s, due at +1h30m1s, armed at "+incLine(atSleep, 1))
	f.Advance(2 * time.Hour)
	within(t, sleeping, "the sleeper")
	assert.Contains(t, f.String(), "no pending timers")
}

func TestFake_armedAtThroughTheClockInterface(t *testing.T) {
	f := clock.NewFake()
	var c clock.Clock = f
	at := here()
	c.NewTimer(time.Second)
	assert.Equal(t, incLine(at, 1), f.Pending()[0].ArmedAt())
}

func TestFake_100kTimers(t *testing.T) {
	const n = 100_000
	f := clock.NewFake()
	fired := 0
	var last time.Time
	timers := make([]*clock.Timer, 0, n/2)
	for i := range n {
		d := time.Duration(1+(i*7919)%n) * time.Microsecond // a permutation of 1µs..100ms
		if i%2 == 0 {
			f.AfterFunc(d, func() {
				now := f.Now()
				if now.Before(last) || now.Sub(clock.Epoch) != d {
					t.Errorf("AfterFunc(%v) ran at %v after %v", d, now, last)
				}
				last = now
				fired++
			})
		} else {
			timers = append(timers, f.NewTimer(d))
		}
	}
	require.Len(t, f.Pending(), n)
	for i, tm := range timers[:len(timers)/2] {
		if i%2 == 0 {
			require.True(t, tm.Stop())
		}
	}
	f.Advance(n * time.Microsecond)
	assert.Equal(t, n/2, fired)
	assert.Empty(t, f.Pending())
	stopped, ready := 0, 0
	for _, tm := range timers {
		select {
		case <-tm.C:
			ready++
		default:
			stopped++
		}
	}
	assert.Equal(t, n/8, stopped)
	assert.Equal(t, n/2-n/8, ready)
}

// Many goroutines arm, stop and reset timers while another advances: run
// with -race, it checks the locking; the counts check nothing was lost.
func TestFake_concurrentUse(t *testing.T) {
	f := clock.NewFake()
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	fired := 0
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range rounds {
				d := time.Duration(1+(w+i)%5) * time.Millisecond
				f.AfterFunc(d, func() {
					mu.Lock()
					fired++
					mu.Unlock()
				})
				tm := f.NewTimer(d)
				if i%2 == 0 {
					tm.Stop()
				} else {
					tm.Reset(d)
				}
				_ = f.Now()
				_ = f.Pending()
			}
		}()
	}
	close(start)
	armersDone := make(chan struct{})
	go func() { wg.Wait(); close(armersDone) }()
	for done := false; !done; {
		select {
		case <-armersDone:
			done = true
		default:
		}
		f.Advance(time.Millisecond)
	}
	f.Advance(time.Second)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, workers*rounds, fired)
	assert.Empty(t, f.Pending())
}

func TestFake_AfterFuncZeroDuringAdvance(t *testing.T) {
	f := clock.NewFake()
	var order []string
	note := func(s string) { order = append(order, s+" at "+off(f.Now())) }
	f.AfterFunc(time.Second, func() {
		note("first")
		f.AfterFunc(0, func() { note("zero, armed by first") })
		f.AfterFunc(-time.Hour, func() { note("negative, armed by first") })
		stopped := f.AfterFunc(0, func() { note("never") })
		order = append(order, fmt.Sprintf("stop before it ran: %v", stopped.Stop()))
	})
	f.AfterFunc(time.Second, func() { note("second, due at the same instant") })
	f.AfterFunc(2*time.Second, func() { note("later") })
	f.Advance(time.Minute)
	assert.Equal(t, []string{
		"first at +1s",
		"stop before it ran: true",
		"second, due at the same instant at +1s",
		"zero, armed by first at +1s",
		"negative, armed by first at +1s",
		"later at +2s",
	}, order)

	// Outside an Advance, it runs on a goroutine of its own, at once.
	ran := make(chan time.Time)
	tm := f.AfterFunc(0, func() { ran <- f.Now() })
	assert.Equal(t, f.Now(), within(t, ran, "AfterFunc(0)"))
	assert.False(t, tm.Stop())
}

// TestFake_randomOperations checks the heap against a model: random
// arming, stopping, resetting and advancing, with the firing order, the
// return values and Pending compared at every step.
func TestFake_randomOperations(t *testing.T) {
	type modelTimer struct {
		id       int
		deadline time.Duration
		order    int // arming order, for ties
		active   bool
		handle   *clock.Timer
	}
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 42))
		f := clock.NewFake()
		var now time.Duration
		var timers []*modelTimer
		order := 0
		var fired []string
		for step := range 1000 {
			switch op := rng.IntN(10); {
			case op < 4: // arm
				d := time.Duration(1+rng.IntN(50)) * time.Millisecond
				order++
				mt := &modelTimer{id: len(timers), deadline: now + d, order: order, active: true}
				mt.handle = f.AfterFunc(d, func() {
					fired = append(fired, fmt.Sprintf("%d@%v", mt.id, f.Since(clock.Epoch)))
				})
				timers = append(timers, mt)
			case op < 6 && len(timers) > 0: // stop
				mt := timers[rng.IntN(len(timers))]
				require.Equal(t, mt.active, mt.handle.Stop(), "seed %d step %d: Stop of timer %d", seed, step, mt.id)
				mt.active = false
			case op < 8 && len(timers) > 0: // reset
				mt := timers[rng.IntN(len(timers))]
				d := time.Duration(1+rng.IntN(50)) * time.Millisecond
				require.Equal(t, mt.active, mt.handle.Reset(d), "seed %d step %d: Reset of timer %d", seed, step, mt.id)
				order++
				mt.deadline, mt.order, mt.active = now+d, order, true
			default: // advance
				d := time.Duration(rng.IntN(30)) * time.Millisecond
				var due []*modelTimer
				for _, mt := range timers {
					if mt.active && mt.deadline <= now+d {
						due = append(due, mt)
					}
				}
				slices.SortFunc(due, func(a, b *modelTimer) int {
					if a.deadline != b.deadline {
						return cmp.Compare(a.deadline, b.deadline)
					}
					return cmp.Compare(a.order, b.order)
				})
				var want []string
				for _, mt := range due {
					mt.active = false
					want = append(want, fmt.Sprintf("%d@%v", mt.id, mt.deadline))
				}
				fired = nil
				f.Advance(d)
				now += d
				require.Equal(t, want, fired, "seed %d step %d: Advance(%v)", seed, step, d)
			}
			var active []*modelTimer
			for _, mt := range timers {
				if mt.active {
					active = append(active, mt)
				}
			}
			ps := f.Pending()
			require.Len(t, ps, len(active), "seed %d step %d", seed, step)
			slices.SortFunc(active, func(a, b *modelTimer) int {
				if a.deadline != b.deadline {
					return cmp.Compare(a.deadline, b.deadline)
				}
				return cmp.Compare(a.order, b.order)
			})
			for i, p := range ps {
				require.Equal(t, active[i].deadline, p.Deadline.Sub(clock.Epoch), "seed %d step %d: pending %d", seed, step, i)
			}
		}
	}
}

// Call sites are recorded for the first 1024 pending timers only (it is
// most of the cost of arming), and a description lists 50 timers at most.
func TestFake_manyTimersAreSummarised(t *testing.T) {
	f := clock.NewFake()
	var timers []*clock.Timer
	at := here()
	for i := range 1100 {
		timers = append(timers, f.NewTimer(time.Duration(i+1)*time.Millisecond))
	}
	ps := f.Pending()
	require.Len(t, ps, 1100)
	assert.Equal(t, incLine(at, 2), ps[0].ArmedAt())
	assert.Equal(t, incLine(at, 2), ps[1023].ArmedAt())
	assert.Equal(t, "(not recorded: over 1024 timers were pending)", ps[1024].ArmedAt())

	desc := f.String()
	assert.Contains(t, desc, "1100 pending timer(s):")
	assert.Contains(t, desc, "\n  timer of 50ms, due at +50ms, armed at "+incLine(at, 2)+"\n  ... and 1050 more")
	assert.NotContains(t, desc, "timer of 51ms")
	assert.Equal(t, 52, strings.Count(desc, "\n")+1)

	for _, tm := range timers[100:] {
		tm.Stop()
	}
	at = here()
	tm := f.NewTimer(time.Hour)
	assert.Equal(t, incLine(at, 1), f.Pending()[100].ArmedAt(), "below the limit again")
	tm.Stop()
}
