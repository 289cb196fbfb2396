package clock

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Epoch is the instant a Fake starts at unless told otherwise: midnight UTC,
// 2000-01-01, the same instant testing/synctest bubbles start at.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Fake is a Clock whose time moves only when the test says so.
//
// A spec first waits for the fact it relies on ("the code under test has
// armed a 1s timer", see WaitForTimer and friends), then advances. Advance
// fires every timer that comes due, in deadline order (ties in the order the
// timers were armed), with Now() equal to each timer's deadline while it
// fires. AfterFunc callbacks run on the goroutine that called Advance,
// outside the clock's lock, so they may use the clock; Advance returns only
// once they have finished, and it fires, in the same call, any timer they arm
// that falls inside the window. When Advance returns, every channel timer
// that came due has a value ready to receive.
//
// Within one Advance a ticker sends at most one tick: goroutines do not get
// to run between the instants one Advance passes through, so a reader of the
// ticker is, by definition, behind, and a real ticker drops the ticks a slow
// reader misses. The next tick stays on the ticker's period grid. A test that
// wants every tick advances one period at a time.
//
// Pending timers live in a heap: arming, stopping and firing cost O(log n).
type Fake struct {
	mu        sync.Mutex
	start     time.Time
	now       time.Time
	pending   timerHeap
	seq       uint64
	advancing bool
	// changed is closed, and cleared, whenever the set of pending timers
	// changes; a waiter creates it when it needs one.
	changed chan struct{}
}

// Option configures a Fake.
type Option func(*Fake)

// StartingAt makes the Fake start at t instead of Epoch.
func StartingAt(t time.Time) Option {
	return func(f *Fake) { f.start, f.now = t, t }
}

// NewFake returns a Fake clock standing at Epoch with no pending timers.
func NewFake(opts ...Option) *Fake {
	f := &Fake{start: Epoch, now: Epoch}
	for _, opt := range opts {
		opt(f)
	}
	return f
}

// Kind says what armed a pending timer.
type Kind uint8

// The kinds of pending timer.
const (
	KindTimer    Kind = iota + 1 // NewTimer or After
	KindFunc                     // AfterFunc
	KindTicker                   // NewTicker
	KindSleep                    // a goroutine blocked in Sleep
	KindDeadline                 // a context from WithTimeout or WithDeadline
)

func (k Kind) String() string {
	switch k {
	case KindTimer:
		return "timer"
	case KindFunc:
		return "AfterFunc"
	case KindTicker:
		return "ticker"
	case KindSleep:
		return "Sleep"
	case KindDeadline:
		return "context deadline"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Pending describes one timer waiting to fire.
type Pending struct {
	Kind     Kind
	Duration time.Duration // the duration it was armed (or last reset) with
	Deadline time.Time     // when it fires
	Period   time.Duration // a ticker's period; 0 for one-shot timers

	seq uint64
	pcs []uintptr
}

// ArmedAt returns the file:line of the code that armed the timer: the first
// caller outside this package.
func (p Pending) ArmedAt() string { return callSite(p.pcs) }

// Now returns the fake's current time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Since returns the virtual time elapsed since t.
func (f *Fake) Since(t time.Time) time.Duration { return f.Now().Sub(t) }

// Until returns the virtual time left until t.
func (f *Fake) Until(t time.Time) time.Duration { return t.Sub(f.Now()) }

// Sleep blocks until the clock has been advanced by d. It returns at once
// when d <= 0. A spec sees the sleeper with WaitForSleepers.
func (f *Fake) Sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := f.arm(KindSleep, d, 0, nil)
	<-t.ch
}

// After returns the channel of a new timer, like time.After.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	return f.arm(KindTimer, d, 0, nil).ch
}

// NewTimer returns a timer that fires once the clock has been advanced by d.
// A timer armed with d <= 0 has its value ready at once.
func (f *Fake) NewTimer(d time.Duration) *Timer {
	t := f.arm(KindTimer, d, 0, nil)
	return &Timer{C: t.ch, fake: t}
}

// AfterFunc arranges for fn to run on the goroutine that advances the clock
// past d. With d <= 0, fn runs at once on its own goroutine, as
// time.AfterFunc does; but if an Advance is running (fn is armed by a
// callback, say), that Advance runs fn at the current instant, after what
// is already due then, and does not return before fn has.
func (f *Fake) AfterFunc(d time.Duration, fn func()) *Timer {
	return &Timer{fake: f.arm(KindFunc, d, 0, fn)}
}

// NewTicker returns a ticker with period d. It panics if d <= 0.
func (f *Fake) NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := f.arm(KindTicker, d, d, nil)
	return &Ticker{C: t.ch, fake: t}
}

// Advance moves the clock forward by d, firing every timer that comes due on
// the way (see Fake). It panics if d is negative or if another Advance is in
// progress: either is a bug in the test, and the panic lists the pending
// timers to help find it.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		panic(f.misuse(fmt.Sprintf("Advance(%v): time cannot go backwards", d)))
	}
	f.mu.Lock()
	target := f.now.Add(d)
	f.mu.Unlock()
	f.advanceTo(target, fmt.Sprintf("Advance(%v)", d))
}

// AdvanceTo moves the clock forward to t, like Advance. It panics if t is
// before Now.
func (f *Fake) AdvanceTo(t time.Time) {
	if now := f.Now(); t.Before(now) {
		panic(f.misuse(fmt.Sprintf("AdvanceTo(%s): that is %v before now", f.offset(t), now.Sub(t))))
	}
	f.advanceTo(t, fmt.Sprintf("AdvanceTo(%s)", f.offset(t)))
}

// AdvanceToNext moves the clock to the deadline of the earliest pending timer
// and fires it (with any other timer due at the same instant). It reports how
// far the clock moved, and false when nothing was pending.
func (f *Fake) AdvanceToNext() (time.Duration, bool) {
	f.mu.Lock()
	if len(f.pending) == 0 {
		f.mu.Unlock()
		return 0, false
	}
	next, now := f.pending[0].when, f.now
	f.mu.Unlock()
	f.advanceTo(next, "AdvanceToNext()")
	return next.Sub(now), true
}

// Pending returns the timers waiting to fire, earliest first.
func (f *Fake) Pending() []Pending {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapshotLocked()
}

// WaitUntil blocks until cond, called with the pending timers (earliest
// first) each time they change, returns true, or until ctx ends. It never
// sleeps or polls: it is woken by the clock itself. cond runs without the
// clock's lock held, so it may use the clock. The error on ctx's end names
// what was awaited (what) and lists the pending timers.
func (f *Fake) WaitUntil(ctx context.Context, what string, cond func([]Pending) bool) error {
	for {
		f.mu.Lock()
		ps := f.snapshotLocked()
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		changed := f.changed // closed by the next change after ps was taken
		f.mu.Unlock()
		if cond(ps) {
			return nil
		}

		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("clock: gave up waiting for %s at %s: %w\n%s",
				what, f.offset(f.Now()), context.Cause(ctx), f.describe())
		}
	}
}

// WaitForTimer waits until some pending timer, ticker, sleeper or context
// deadline was armed with duration d: the moment a spec may safely advance
// by d.
func (f *Fake) WaitForTimer(ctx context.Context, d time.Duration) error {
	return f.WaitUntil(ctx, fmt.Sprintf("a pending timer of %v", d), func(ps []Pending) bool {
		for _, p := range ps {
			if p.Duration == d {
				return true
			}
		}
		return false
	})
}

// WaitForTimers waits until at least n timers of any kind are pending.
func (f *Fake) WaitForTimers(ctx context.Context, n int) error {
	return f.WaitUntil(ctx, fmt.Sprintf("%d pending timer(s)", n), func(ps []Pending) bool {
		return len(ps) >= n
	})
}

// WaitForSleepers waits until at least n goroutines are blocked in Sleep.
func (f *Fake) WaitForSleepers(ctx context.Context, n int) error {
	return f.WaitUntil(ctx, fmt.Sprintf("%d goroutine(s) in Sleep", n), func(ps []Pending) bool {
		count := 0
		for _, p := range ps {
			if p.Kind == KindSleep {
				count++
			}
		}
		return count >= n
	})
}

// String describes the clock: its time and the pending timers.
func (f *Fake) String() string { return f.describe() }

// advanceTo fires the due timers one at a time, dropping the lock around
// each callback.
func (f *Fake) advanceTo(target time.Time, call string) {
	f.mu.Lock()
	if f.advancing {
		desc := f.describeLocked()
		f.mu.Unlock()
		panic(fmt.Sprintf("clock: %s called while another Advance is running; advance from one goroutine at a time\n%s", call, desc))
	}
	f.advancing = true
	f.mu.Unlock()

	finished := false
	defer func() {
		if !finished { // a callback panicked: leave the clock usable
			f.mu.Lock()
			f.advancing = false
			f.mu.Unlock()
		}
	}()

	for {
		f.mu.Lock()
		if len(f.pending) == 0 || f.pending[0].when.After(target) {
			if target.After(f.now) {
				f.now = target
			}
			f.advancing = false
			f.mu.Unlock()
			finished = true
			return
		}
		t := heap.Pop(&f.pending).(*fakeTimer)
		f.now = t.when
		fn := f.fireLocked(t, target)
		f.notifyLocked()
		f.mu.Unlock()
		if fn != nil {
			fn()
		}
	}
}

// fireLocked delivers a due timer. It returns the callback to run, if any,
// once the lock is released.
func (f *Fake) fireLocked(t *fakeTimer, target time.Time) func() {
	if t.fn != nil {
		return t.fn
	}
	select {
	case t.ch <- t.when:
	default: // a ticker whose reader has not taken the last tick: drop it
	}
	if t.period > 0 {
		// The reader cannot run before this Advance returns, so every tick
		// up to target would be dropped: skip to the first grid point after it.
		next := t.when.Add(t.period)
		if !next.After(target) {
			missed := target.Sub(t.when) / t.period
			next = t.when.Add((missed + 1) * t.period)
		}
		t.when = next
		f.seq++
		t.seq = f.seq
		heap.Push(&f.pending, t)
	}
	return nil
}

// fakeTimer is the state behind a Timer, a Ticker, a Sleep or a deadline.
type fakeTimer struct {
	clock  *Fake
	kind   Kind
	armed  time.Duration
	when   time.Time
	period time.Duration
	seq    uint64 // arming order, to break ties between equal deadlines
	index  int    // position in the heap, -1 when not pending
	ch     chan time.Time
	fn     func()
	pcs    []uintptr
}

// arm creates a timer and schedules it d from now.
func (f *Fake) arm(kind Kind, d, period time.Duration, fn func()) *fakeTimer {
	t := &fakeTimer{clock: f, kind: kind, period: period, fn: fn, index: -1, pcs: callers()}
	if fn == nil {
		// One buffered slot: a due timer's value is ready even if nobody is
		// receiving yet. Stop and Reset drain it, so it is never stale.
		t.ch = make(chan time.Time, 1)
	}
	f.mu.Lock()
	run := f.scheduleLocked(t, d)
	f.mu.Unlock()
	if run != nil {
		go run()
	}
	return t
}

// scheduleLocked puts t in the heap to fire d from now. A timer already due
// fires at once; for an AfterFunc that means a callback for the caller to
// run on a goroutine of its own, unless an Advance is running: then the
// callback is due now, and that Advance runs it at this instant before it
// moves on, like the callbacks due later in its window.
func (f *Fake) scheduleLocked(t *fakeTimer, d time.Duration) (run func()) {
	t.armed = d
	t.when = f.now.Add(d)
	if d <= 0 && t.period == 0 {
		if t.fn == nil {
			t.ch <- f.now
			return nil
		}
		if !f.advancing {
			return t.fn
		}
		t.when = f.now
	}
	f.seq++
	t.seq = f.seq
	heap.Push(&f.pending, t)
	f.notifyLocked()
	return nil
}

// stop removes t from the heap and drains its channel. It reports whether
// the timer was stopped before its value was delivered.
func (t *fakeTimer) stop() bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.unscheduleLocked(t)
}

func (f *Fake) unscheduleLocked(t *fakeTimer) bool {
	active := t.index >= 0
	if active {
		heap.Remove(&f.pending, t.index)
		f.notifyLocked()
	}
	if t.ch != nil {
		select {
		case <-t.ch: // fired but not received: as if it never fired
			active = true
		default:
		}
	}
	return active
}

// reset reschedules t to fire d from now with the given period (0 for a
// one-shot timer). It reports whether the timer was active.
func (t *fakeTimer) reset(d, period time.Duration) bool {
	f := t.clock
	f.mu.Lock()
	active := f.unscheduleLocked(t)
	t.period = period
	t.pcs = callers()
	run := f.scheduleLocked(t, d)
	f.mu.Unlock()
	if run != nil {
		go run()
	}
	return active
}

func (f *Fake) notifyLocked() {
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

func (f *Fake) snapshotLocked() []Pending {
	ps := make([]Pending, len(f.pending))
	for i, t := range f.pending {
		ps[i] = Pending{Kind: t.kind, Duration: t.armed, Deadline: t.when, Period: t.period, seq: t.seq, pcs: t.pcs}
	}
	slices.SortFunc(ps, func(a, b Pending) int {
		if c := a.Deadline.Compare(b.Deadline); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return ps
}

// misuse formats a panic message for a test that used the clock wrongly.
func (f *Fake) misuse(msg string) string {
	return "clock: " + msg + "\n" + f.describe()
}

func (f *Fake) describe() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.describeLocked()
}

func (f *Fake) describeLocked() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fake clock at %s (%s)", f.offset(f.now), f.now.Format(time.RFC3339Nano))
	ps := f.snapshotLocked()
	if len(ps) == 0 {
		b.WriteString("; no pending timers")
		return b.String()
	}
	fmt.Fprintf(&b, "; %d pending timer(s):", len(ps))
	for _, p := range ps {
		fmt.Fprintf(&b, "\n  %s of %v, due at %s", p.Kind, p.Duration, f.offset(p.Deadline))
		if p.Period > 0 {
			fmt.Fprintf(&b, " (every %v)", p.Period)
		}
		fmt.Fprintf(&b, ", armed at %s", p.ArmedAt())
	}
	return b.String()
}

// offset renders t relative to the clock's start, the way specs think of it.
func (f *Fake) offset(t time.Time) string {
	d := t.Sub(f.start)
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

// callers records the stack of whoever armed a timer; it is symbolised only
// if someone asks (ArmedAt), so arming stays cheap.
func callers() []uintptr {
	var pcs [12]uintptr
	n := runtime.Callers(3, pcs[:])
	return append([]uintptr(nil), pcs[:n]...)
}

const thisPackage = "autoroute/fakes/clock."

func callSite(pcs []uintptr) string {
	if len(pcs) == 0 {
		return "unknown"
	}
	frames := runtime.CallersFrames(pcs)
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, thisPackage) && !strings.HasPrefix(fr.Function, "context.") {
			return fmt.Sprintf("%s:%d", fr.File, fr.Line)
		}
		if !more {
			return fmt.Sprintf("%s:%d", fr.File, fr.Line)
		}
	}
}

// timerHeap orders pending timers by deadline, then by arming order.
type timerHeap []*fakeTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*fakeTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
