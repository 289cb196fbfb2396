package clock_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
)

// A scenario drives a clock and records what it observes. It runs twice: on
// clock.Real() inside a testing/synctest bubble, where package time itself
// runs in virtual time and is the oracle, and on a *clock.Fake. Both runs
// must record the same trace.
//
// advance moves time forward and returns once everything due has happened:
// time.Sleep(d) then synctest.Wait() in the bubble, Fake.Advance(d) on the
// fake. record notes an observation, stamped with the virtual time elapsed
// since the start (clock.Epoch on both sides).
//
// A scenario must not depend on what Go leaves undefined: the order of two
// AfterFunc callbacks due at the same instant, or whether a goroutine the
// scenario started has run yet (it waits for such a goroutine explicitly).
type scenario func(c clock.Clock, advance func(time.Duration), record func(string))

// event is one recorded observation.
type event struct {
	at  time.Duration // virtual time since clock.Epoch
	msg string
}

func (e event) String() string { return fmt.Sprintf("%-8s %s", "+"+e.at.String(), e.msg) }

// recorder collects events from any goroutine.
type recorder struct {
	mu     sync.Mutex
	now    func() time.Time
	events []event
}

func (r *recorder) record(msg string) {
	at := r.now().Sub(clock.Epoch)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{at, msg})
}

func (r *recorder) trace() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// runReal runs sc on package time inside a synctest bubble.
func runReal(t *testing.T, sc scenario) []event {
	t.Helper()
	var r *recorder
	synctest.Test(t, func(t *testing.T) {
		require.True(t, clock.Epoch.Equal(time.Now()), "a synctest bubble starts at clock.Epoch, not %v", time.Now())
		c := clock.Real()
		r = &recorder{now: c.Now}
		sc(c, func(d time.Duration) {
			time.Sleep(d)
			synctest.Wait()
		}, r.record)
		synctest.Wait()
	})
	return r.trace()
}

// runFake runs sc on a Fake, with a real-time budget that turns a hang into
// a failure.
func runFake(t *testing.T, sc scenario) []event {
	t.Helper()
	f := clock.NewFake()
	r := &recorder{now: f.Now}
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		sc(f, f.Advance, r.record)
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("scenario panicked on the fake: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("scenario still running on the fake after 10s of real time\n%v", f)
	}
	return r.trace()
}

// canonical orders a trace by time, and within one instant by message: Go
// does not define the order of events that happen at the same instant on
// different goroutines, so only the set of messages per instant counts.
func canonical(tr []event) string {
	tr = slices.Clone(tr)
	slices.SortStableFunc(tr, func(a, b event) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return strings.Compare(a.msg, b.msg)
	})
	lines := make([]string, len(tr))
	for i, e := range tr {
		lines[i] = e.String()
	}
	return strings.Join(lines, "\n")
}

func checkConformance(t *testing.T, sc scenario) {
	t.Helper()
	want := runReal(t, sc)
	if t.Failed() {
		return
	}
	got := runFake(t, sc)
	t.Logf("trace:\n%s", canonical(want))
	require.NotEmpty(t, want, "the scenario recorded nothing")
	require.Equal(t, canonical(want), canonical(got),
		"the fake's trace (actual) differs from package time's in a synctest bubble (expected)")
	// The fake runs everything on one goroutine in time order: its raw trace
	// must already be sorted by time.
	require.True(t, slices.IsSortedFunc(got, func(a, b event) int { return int(a.at - b.at) }),
		"the fake recorded events out of time order:\n%s", got)
}

// off renders an instant as an offset from the epoch.
func off(t time.Time) string { return "+" + t.Sub(clock.Epoch).String() }

// poll reports whether a value is ready on ch without blocking.
func poll(ch <-chan time.Time) string {
	select {
	case v := <-ch:
		return "value " + off(v)
	default:
		return "empty"
	}
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// panics runs fn and returns whether it panicked.
func panics(fn func()) (p bool) {
	defer func() { p = recover() != nil }()
	fn()
	return false
}

func TestConformance(t *testing.T) {
	scenarios := map[string]scenario{
		"deadline order": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			for _, d := range []time.Duration{3 * time.Second, time.Second, 2500 * time.Millisecond, 2 * time.Second, time.Millisecond} {
				c.AfterFunc(d, func() { record(fmt.Sprintf("AfterFunc(%v) at %s", d, off(c.Now()))) })
			}
			t1 := c.NewTimer(1500 * time.Millisecond)
			t2 := c.NewTimer(2 * time.Hour)
			after := c.After(time.Second + time.Nanosecond)
			advance(time.Second)
			record("after 1s: t1 " + poll(t1.C) + ", after " + poll(after))
			advance(2 * time.Second)
			record("after 3s: t1 " + poll(t1.C) + ", after " + poll(after) + ", t2 " + poll(t2.C))
			advance(2 * time.Hour)
			record("after 2h3s: t2 " + poll(t2.C))
		},
		"one big advance": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			var timers []*clock.Timer
			for i := range 50 {
				d := time.Duration((i*37)%50+1) * time.Millisecond
				c.AfterFunc(d, func() { record(fmt.Sprintf("func %v at %s", d, off(c.Now()))) })
				timers = append(timers, c.NewTimer(d))
			}
			advance(time.Second)
			for i, tm := range timers {
				record(fmt.Sprintf("timer %d: %s", i, poll(tm.C)))
			}
		},
		"cascade": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			var child *clock.Timer
			c.AfterFunc(time.Second, func() {
				record("parent at " + off(c.Now()))
				c.AfterFunc(500*time.Millisecond, func() {
					record("child at " + off(c.Now()))
					c.AfterFunc(500*time.Millisecond, func() { record("grandchild at " + off(c.Now())) })
					c.AfterFunc(5*time.Second, func() { record("late grandchild at " + off(c.Now())) })
				})
				child = c.NewTimer(time.Second)
			})
			// A chain of 20 links 100ms apart: 10 fit in the first advance.
			var link func(i int)
			link = func(i int) {
				record(fmt.Sprintf("link %d at %s", i, off(c.Now())))
				if i < 20 {
					c.AfterFunc(100*time.Millisecond, func() { link(i + 1) })
				}
			}
			c.AfterFunc(100*time.Millisecond, func() { link(1) })
			advance(2 * time.Second)
			record("child timer: " + poll(child.C))
			advance(10 * time.Second)
		},
		"Stop": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			active := c.NewTimer(time.Second)
			unreceived := c.NewTimer(time.Second)
			received := c.NewTimer(time.Second)
			stopped := c.NewTimer(time.Second)
			record(fmt.Sprintf("stop stopped (before firing): %v", stopped.Stop()))
			fn := c.AfterFunc(time.Second, func() { record("fn fired") })
			fnStopped := c.AfterFunc(time.Second, func() { record("fnStopped fired") })
			record(fmt.Sprintf("stop fnStopped: %v", fnStopped.Stop()))
			record(fmt.Sprintf("stop active: %v", active.Stop()))
			advance(time.Second)
			record("received: " + poll(received.C))
			record(fmt.Sprintf("stop active again: %v", active.Stop()))
			record(fmt.Sprintf("stop unreceived: %v", unreceived.Stop()))
			record("unreceived after stop: " + poll(unreceived.C))
			record(fmt.Sprintf("stop unreceived again: %v", unreceived.Stop()))
			record(fmt.Sprintf("stop received: %v", received.Stop()))
			record(fmt.Sprintf("stop stopped again: %v", stopped.Stop()))
			record(fmt.Sprintf("stop fn after firing: %v", fn.Stop()))
			record(fmt.Sprintf("stop fnStopped again: %v", fnStopped.Stop()))
			advance(time.Hour)
			record("active: " + poll(active.C) + ", unreceived: " + poll(unreceived.C) + ", stopped: " + poll(stopped.C))
		},
		"Reset": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			active := c.NewTimer(time.Second)
			unreceived := c.NewTimer(time.Second)
			received := c.NewTimer(time.Second)
			stopped := c.NewTimer(time.Second)
			stopped.Stop()
			fn := c.AfterFunc(time.Second, func() { record("fn fired at " + off(c.Now())) })
			fnActive := c.AfterFunc(time.Second, func() { record("fnActive fired at " + off(c.Now())) })
			record(fmt.Sprintf("reset active to 3s: %v", active.Reset(3*time.Second)))
			record(fmt.Sprintf("reset fnActive to 2s: %v", fnActive.Reset(2*time.Second)))
			advance(time.Second)
			record("received: " + poll(received.C))
			record(fmt.Sprintf("reset unreceived to 1s: %v", unreceived.Reset(time.Second)))
			record("unreceived after reset: " + poll(unreceived.C))
			record(fmt.Sprintf("reset received to 2s: %v", received.Reset(2*time.Second)))
			record(fmt.Sprintf("reset stopped to 500ms: %v", stopped.Reset(500*time.Millisecond)))
			record(fmt.Sprintf("reset fn (fired) to 1s: %v", fn.Reset(time.Second)))
			advance(500 * time.Millisecond)
			record("stopped: " + poll(stopped.C))
			advance(500 * time.Millisecond)
			record("unreceived: " + poll(unreceived.C))
			record(fmt.Sprintf("reset active (still pending) to 1s: %v", active.Reset(time.Second)))
			advance(time.Second)
			record("active: " + poll(active.C) + ", received: " + poll(received.C))
			advance(time.Hour)
			record("active: " + poll(active.C) + ", received: " + poll(received.C))
		},
		"ticker one period at a time": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			tk := c.NewTicker(time.Second)
			record("at start: " + poll(tk.C))
			for range 100 {
				advance(time.Second)
				record(poll(tk.C))
			}
			advance(time.Second - time.Nanosecond)
			record("1ns before a tick: " + poll(tk.C))
			advance(time.Nanosecond)
			record("on the tick: " + poll(tk.C))
			tk.Stop()
			advance(10 * time.Second)
			record("after Stop: " + poll(tk.C))
		},
		"ticker slow reader": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			tk := c.NewTicker(time.Second)
			advance(3500 * time.Millisecond)
			record("after 3.5s: " + poll(tk.C))
			record("again: " + poll(tk.C))
			advance(500 * time.Millisecond)
			record("on the grid: " + poll(tk.C))
			advance(3 * time.Second) // lands exactly on a tick, the reader behind
			record("3 periods exactly: " + poll(tk.C))
			advance(time.Second)
			record("then: " + poll(tk.C))
			advance(time.Second) // a tick left unread...
			advance(time.Second) // ...and the next one dropped
			record("2 unread periods: " + poll(tk.C))
			advance(time.Hour + 250*time.Millisecond)
			record("an hour later: " + poll(tk.C))
			advance(750 * time.Millisecond)
			record("back on the grid: " + poll(tk.C))
			tk.Stop()
		},
		"ticker Reset and Stop": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			tk := c.NewTicker(time.Second)
			advance(1500 * time.Millisecond) // a tick waits unread
			tk.Reset(300 * time.Millisecond)
			record("right after Reset: " + poll(tk.C))
			for range 5 {
				advance(300 * time.Millisecond)
				record(poll(tk.C))
			}
			advance(100 * time.Millisecond)
			tk.Reset(time.Second)
			advance(time.Second - time.Nanosecond)
			record("1ns before: " + poll(tk.C))
			advance(time.Nanosecond)
			record("new period: " + poll(tk.C))
			advance(time.Second) // unread tick
			tk.Stop()
			record("right after Stop: " + poll(tk.C))
			advance(5 * time.Second)
			record("stopped: " + poll(tk.C))
			tk.Reset(2 * time.Second)
			advance(2 * time.Second)
			record("restarted by Reset: " + poll(tk.C))
			advance(2 * time.Second)
			record(poll(tk.C))
			tk.Stop()
			tk.Stop()
			record(fmt.Sprintf("Reset(0) panics: %v, Reset(-1s) panics: %v",
				panics(func() { tk.Reset(0) }), panics(func() { tk.Reset(-time.Second) })))
		},
		"zero and negative durations": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			advance(time.Second)
			for _, d := range []time.Duration{0, -time.Second} {
				tm := c.NewTimer(d)
				record(fmt.Sprintf("NewTimer(%v) receives %s", d, off(<-tm.C)))
				record(fmt.Sprintf("NewTimer(%v) received, Stop: %v", d, tm.Stop()))
				tm = c.NewTimer(d)
				record(fmt.Sprintf("NewTimer(%v) unreceived, Stop: %v, then %s", d, tm.Stop(), poll(tm.C)))
				tm = c.NewTimer(time.Hour)
				record(fmt.Sprintf("Reset(%v) of a pending timer: %v", d, tm.Reset(d)))
				record(fmt.Sprintf("then receives %s", off(<-tm.C)))
				record(fmt.Sprintf("After(%v) receives %s", d, off(<-c.After(d))))

				done := make(chan struct{})
				fn := c.AfterFunc(d, func() {
					record(fmt.Sprintf("AfterFunc(%v) ran at %s", d, off(c.Now())))
					close(done)
				})
				<-done
				record(fmt.Sprintf("AfterFunc(%v) after it ran, Stop: %v", d, fn.Stop()))
				done = make(chan struct{})
				record(fmt.Sprintf("AfterFunc Reset(%v) after it ran: %v", d, fn.Reset(d)))
				<-done

				c.Sleep(d)
				record(fmt.Sprintf("Sleep(%v) returned at once", d))
				record(fmt.Sprintf("NewTicker(%v) panics: %v", d, panics(func() { c.NewTicker(d) })))
			}
		},
		"callbacks re-entering the clock": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			victim := c.AfterFunc(3*time.Second, func() { record("victim fired") })
			moved := c.AfterFunc(3*time.Second, func() { record("moved fired at " + off(c.Now())) })
			tm := c.NewTimer(4 * time.Second)
			// The callback reaches its own timer through an atomic: Go does not
			// order AfterFunc's return before the callback starts.
			var self atomic.Pointer[clock.Timer]
			runs := 0
			self.Store(c.AfterFunc(time.Second, func() {
				self := self.Load()
				runs++
				record(fmt.Sprintf("self run %d at %s, Now+1s=%s", runs, off(c.Now()), off(c.Now().Add(time.Second))))
				record(fmt.Sprintf("self Stop inside itself: %v", self.Stop()))
				if runs == 1 {
					record(fmt.Sprintf("stop victim: %v", victim.Stop()))
					record(fmt.Sprintf("move moved to +5s: %v", moved.Reset(4*time.Second)))
					record(fmt.Sprintf("reset channel timer: %v", tm.Reset(time.Second)))
					record(fmt.Sprintf("self Reset inside itself: %v", self.Reset(500*time.Millisecond)))
					record(fmt.Sprintf("Since epoch %v, Until +10s %v", c.Since(clock.Epoch), c.Until(clock.Epoch.Add(10*time.Second))))
				}
			}))
			advance(10 * time.Second)
			record("channel timer: " + poll(tm.C))
		},
		"Sleep": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			c.Sleep(0)
			c.Sleep(-time.Hour)
			record("Sleep(<=0) did not move time")
			advance(time.Minute)
			c.Sleep(-time.Nanosecond)
			record("still")
		},
		"context deadline": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			ctx, cancel := c.WithTimeout(context.Background(), time.Second)
			defer cancel()
			dctx, dcancel := c.WithDeadline(context.Background(), clock.Epoch.Add(1500*time.Millisecond))
			defer dcancel()
			child, ccancel := context.WithCancel(ctx)
			defer ccancel()
			fired := make(chan struct{})
			context.AfterFunc(ctx, func() {
				record("context.AfterFunc ran at " + off(c.Now()))
				close(fired)
			})
			dl, ok := ctx.Deadline()
			record(fmt.Sprintf("deadline %s %v", off(dl), ok))
			dl, ok = child.Deadline()
			record(fmt.Sprintf("child deadline %s %v", off(dl), ok))
			advance(time.Second - time.Nanosecond)
			record(fmt.Sprintf("1ns before: err=%v cause=%v done=%v child=%v", ctx.Err(), context.Cause(ctx), closed(ctx.Done()), child.Err()))
			advance(time.Nanosecond)
			record(fmt.Sprintf("at the deadline: err=%v cause=%v done=%v", ctx.Err(), context.Cause(ctx), closed(ctx.Done())))
			record(fmt.Sprintf("child: err=%v cause=%v done=%v", child.Err(), context.Cause(child), closed(child.Done())))
			<-fired
			cancel()
			record(fmt.Sprintf("cancel after expiry: err=%v cause=%v", ctx.Err(), context.Cause(ctx)))
			record(fmt.Sprintf("WithDeadline(+1.5s) at +1s: %v", dctx.Err()))
			advance(500*time.Millisecond - time.Nanosecond)
			record(fmt.Sprintf("WithDeadline 1ns before: %v", dctx.Err()))
			advance(time.Nanosecond)
			record(fmt.Sprintf("WithDeadline at the deadline: %v", dctx.Err()))
		},
		"context sooner deadline wins": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			parent, pcancel := c.WithTimeout(context.Background(), time.Second)
			defer pcancel()
			later, lcancel := c.WithTimeout(parent, 5*time.Second)
			defer lcancel()
			sooner, scancel := c.WithTimeout(parent, 500*time.Millisecond)
			defer scancel()
			same, samecancel := c.WithDeadline(parent, clock.Epoch.Add(time.Second))
			defer samecancel()
			for name, ctx := range map[string]context.Context{"later": later, "sooner": sooner, "same": same} {
				dl, _ := ctx.Deadline()
				record(fmt.Sprintf("%s: deadline %s", name, off(dl)))
			}
			advance(500 * time.Millisecond)
			record(fmt.Sprintf("at 500ms: parent=%v later=%v sooner=%v same=%v", parent.Err(), later.Err(), sooner.Err(), same.Err()))
			advance(500*time.Millisecond - time.Nanosecond)
			record(fmt.Sprintf("1ns before 1s: parent=%v later=%v", parent.Err(), later.Err()))
			advance(time.Nanosecond)
			record(fmt.Sprintf("at 1s: parent=%v later=%v same=%v", parent.Err(), later.Err(), same.Err()))
			record(fmt.Sprintf("causes: later=%v same=%v", context.Cause(later), context.Cause(same)))
		},
		"context parent cancel": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			errStop := errors.New("stop")
			parent, pcancel := context.WithCancelCause(context.Background())
			ctx, cancel := c.WithTimeout(parent, time.Second)
			defer cancel()
			grandchild, gcancel := context.WithCancel(ctx)
			defer gcancel()
			advance(500 * time.Millisecond)
			pcancel(errStop)
			// Err, Done and Cause of the context itself are right at once.
			record(fmt.Sprintf("after parent cancel: err=%v cause=%v done=%v", ctx.Err(), context.Cause(ctx), closed(ctx.Done())))
			<-grandchild.Done()
			record(fmt.Sprintf("grandchild: err=%v cause=%v", grandchild.Err(), context.Cause(grandchild)))
			advance(time.Second)
			record(fmt.Sprintf("past the deadline: err=%v cause=%v", ctx.Err(), context.Cause(ctx)))
		},
		"context parent cancel after expiry": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			errStop := errors.New("stop")
			parent, pcancel := context.WithCancelCause(context.Background())
			ctx, cancel := c.WithTimeout(parent, time.Second)
			defer cancel()
			own, ocancel := c.WithTimeout(parent, time.Hour)
			advance(time.Second)
			ocancel()
			pcancel(errStop)
			record(fmt.Sprintf("expired first: err=%v cause=%v", ctx.Err(), context.Cause(ctx)))
			record(fmt.Sprintf("cancelled first: err=%v cause=%v", own.Err(), context.Cause(own)))
		},
		"context already done": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			errStop := errors.New("stop")
			advance(time.Second)
			for _, d := range []time.Duration{0, -time.Second} {
				ctx, cancel := c.WithTimeout(context.Background(), d)
				dl, _ := ctx.Deadline()
				record(fmt.Sprintf("WithTimeout(%v): err=%v cause=%v deadline=%s", d, ctx.Err(), context.Cause(ctx), off(dl)))
				cancel()
				ctx, cancel = c.WithDeadline(context.Background(), clock.Epoch.Add(d))
				record(fmt.Sprintf("WithDeadline(epoch%v): err=%v", d, ctx.Err()))
				cancel()
			}
			parent, pcancel := context.WithCancelCause(context.Background())
			pcancel(errStop)
			ctx, cancel := c.WithTimeout(parent, time.Second)
			defer cancel()
			record(fmt.Sprintf("cancelled parent: err=%v cause=%v done=%v", ctx.Err(), context.Cause(ctx), closed(ctx.Done())))
			ctx, cancel = c.WithTimeout(context.Background(), time.Second)
			cancel()
			record(fmt.Sprintf("own cancel: err=%v cause=%v", ctx.Err(), context.Cause(ctx)))
			advance(time.Hour)
			record(fmt.Sprintf("own cancel, past the deadline: err=%v cause=%v", ctx.Err(), context.Cause(ctx)))
		},
		"context values and wrappers": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			type key struct{}
			parent := context.WithValue(context.Background(), key{}, "from parent")
			ctx, cancel := c.WithTimeout(parent, time.Second)
			defer cancel()
			wrapped := context.WithValue(ctx, key{}, "wrapped")
			grandchild, gcancel := c.WithTimeout(wrapped, 2*time.Second)
			defer gcancel()
			cause, ccancel := context.WithCancelCause(ctx)
			defer ccancel(nil)
			record(fmt.Sprintf("values: %v, %v, %v", ctx.Value(key{}), wrapped.Value(key{}), grandchild.Value(key{})))
			advance(time.Second)
			<-grandchild.Done()
			record(fmt.Sprintf("at 1s: ctx=%v wrapped=%v grandchild=%v cause(grandchild)=%v cause(cause)=%v",
				ctx.Err(), wrapped.Err(), grandchild.Err(), context.Cause(grandchild), context.Cause(cause)))
			wc := context.WithoutCancel(ctx)
			record(fmt.Sprintf("WithoutCancel: err=%v cause=%v", wc.Err(), context.Cause(wc)))
		},
		"ticker many periods in one advance": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			tk := c.NewTicker(time.Millisecond)
			advance(time.Second + 500*time.Microsecond)
			record("after 1000.5 periods: " + poll(tk.C) + ", then " + poll(tk.C))
			advance(500 * time.Microsecond)
			record("next grid point: " + poll(tk.C))
			tk.Reset(3 * time.Millisecond)
			advance(time.Second)
			record("after Reset and 333.3 periods: " + poll(tk.C))
			advance(2 * time.Millisecond)
			record("next grid point: " + poll(tk.C))
			tk.Stop()
		},
		"huge durations": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			forever := c.NewTimer(math.MaxInt64)
			fn := c.AfterFunc(math.MaxInt64, func() { record("never") })
			tk := c.NewTicker(math.MaxInt64)
			ctx, cancel := c.WithTimeout(context.Background(), math.MaxInt64)
			dl, _ := ctx.Deadline()
			record("deadline " + off(dl))
			advance(100 * 24 * time.Hour)
			record(fmt.Sprintf("after 100 days: %s, %s, err=%v", poll(forever.C), poll(tk.C), ctx.Err()))
			record(fmt.Sprintf("stop: %v %v", forever.Stop(), fn.Stop()))
			tk.Stop()
			cancel()
		},
		"zero durations inside a callback": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			ran := make(chan struct{})
			var tm atomic.Pointer[clock.Timer]
			c.AfterFunc(time.Second, func() {
				tm.Store(c.NewTimer(0))
				c.AfterFunc(0, func() {
					record("AfterFunc(0) from a callback ran at " + off(c.Now()))
					close(ran)
				})
				ctx, cancel := c.WithTimeout(context.Background(), 0)
				defer cancel()
				record(fmt.Sprintf("WithTimeout(0) from a callback: %v", ctx.Err()))
			})
			advance(2 * time.Second)
			<-ran
			record("NewTimer(0) from a callback: " + poll(tm.Load().C))
		},
		"contexts armed by callbacks": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			var ctx atomic.Pointer[context.Context]
			expired := make(chan struct{})
			c.AfterFunc(time.Second, func() {
				cx, _ := c.WithTimeout(context.Background(), 500*time.Millisecond)
				ctx.Store(&cx)
				context.AfterFunc(cx, func() { close(expired) })
			})
			advance(time.Second + 500*time.Millisecond - time.Nanosecond)
			record(fmt.Sprintf("1ns before: %v", (*ctx.Load()).Err()))
			advance(time.Nanosecond)
			record(fmt.Sprintf("at the deadline: %v", (*ctx.Load()).Err()))
			<-expired
			advance(time.Second)
		},
		"nested fake contexts": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			parent, pcancel := c.WithTimeout(context.Background(), 5*time.Second)
			child, ccancel := c.WithTimeout(parent, time.Second)
			defer ccancel()
			grandchild, gcancel := context.WithCancel(child)
			defer gcancel()
			other, ocancel := c.WithTimeout(parent, 2*time.Second)
			defer ocancel()
			stop := context.AfterFunc(other, func() { record("never: stopped") })
			record(fmt.Sprintf("stop before: %v, again: %v", stop(), stop()))
			advance(500 * time.Millisecond)
			pcancel()
			// Cancellation flows down fake contexts and their standard
			// children at once, as it does down the standard ones.
			record(fmt.Sprintf("parent cancelled: child=%v grandchild=%v other=%v", child.Err(), grandchild.Err(), other.Err()))
			record(fmt.Sprintf("causes: %v %v", context.Cause(child), context.Cause(grandchild)))
			record(fmt.Sprintf("done: %v %v %v", closed(child.Done()), closed(grandchild.Done()), closed(other.Done())))
			advance(time.Hour)
			record(fmt.Sprintf("later: child=%v grandchild=%v", child.Err(), grandchild.Err()))
		},
		"context errors are the standard values": func(c clock.Clock, advance func(time.Duration), record func(string)) {
			ctx, cancel := c.WithTimeout(context.Background(), time.Second)
			defer cancel()
			own, ocancel := c.WithTimeout(context.Background(), time.Second)
			ocancel()
			advance(time.Second)
			var te interface{ Timeout() bool }
			record(fmt.Sprintf("==DeadlineExceeded %v, Timeout() %v, ==Canceled %v, same Done %v",
				ctx.Err() == context.DeadlineExceeded, errors.As(ctx.Err(), &te) && te.Timeout(),
				own.Err() == context.Canceled, ctx.Done() == ctx.Done()))
		},
	}
	for name, sc := range scenarios {
		t.Run(name, func(t *testing.T) { checkConformance(t, sc) })
	}
}
