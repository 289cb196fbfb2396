package clock

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	mu    sync.Mutex
	start time.Time
	now   time.Time
	// at is now as an offset from start: the heap's time scale. Offsets
	// saturate at ±math.MaxInt64 (292 years), as the runtime's timers do.
	at        int64
	pending   timerHeap
	seq       seq
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

	seq seq
	pcs stack
}

// ArmedAt returns the file:line of the code that armed (or last reset) the
// timer: the first caller outside this package and the kit's other fakes
// (a deadline fakes/memnet arms for a SetReadDeadline names the line that
// called SetReadDeadline). To keep arming cheap, call
// sites are recorded while fewer than 1024 timers are pending; a timer armed
// beyond that says so instead.
func (p Pending) ArmedAt() string { return callSite(p.pcs[:]) }

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
	t := &fakeTimer{}
	if f.tracking() {
		t.pcs.record(0)
	}
	f.arm(t, KindSleep, d, 0, nil)
	<-t.ch
}

// After returns the channel of a new timer, like time.After.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	t := &fakeTimer{}
	if f.tracking() {
		t.pcs.record(0)
	}
	f.arm(t, KindTimer, d, 0, nil)
	return t.ch
}

// NewTimer returns a timer that fires once the clock has been advanced by d.
// A timer armed with d <= 0 has its value ready at once.
func (f *Fake) NewTimer(d time.Duration) *Timer {
	t := &timerAndHandle{}
	if f.tracking() {
		t.pcs.record(0)
	}
	t.handle.fake = &t.fakeTimer
	f.arm(&t.fakeTimer, KindTimer, d, 0, nil)
	t.handle.C = t.ch
	return &t.handle
}

// timerAndHandle allocates a timer and the handle returned for it at once.
type timerAndHandle struct {
	fakeTimer
	handle Timer
}

type tickerAndHandle struct {
	fakeTimer
	handle Ticker
}

// AfterFunc arranges for fn to run on the goroutine that advances the clock
// past d. With d <= 0, fn runs at once on its own goroutine, as
// time.AfterFunc does; but if an Advance is running (fn is armed by a
// callback, say), that Advance runs fn at the current instant, after what
// is already due then, and does not return before fn has.
func (f *Fake) AfterFunc(d time.Duration, fn func()) *Timer {
	t := &timerAndHandle{}
	if f.tracking() {
		t.pcs.record(0)
	}
	t.handle.fake = &t.fakeTimer
	f.arm(&t.fakeTimer, KindFunc, d, 0, fn)
	return &t.handle
}

// NewTicker returns a ticker with period d. It panics if d <= 0.
func (f *Fake) NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := &tickerAndHandle{}
	if f.tracking() {
		t.pcs.record(0)
	}
	t.handle.fake = &t.fakeTimer
	f.arm(&t.fakeTimer, KindTicker, d, d, nil)
	t.handle.C = t.ch
	return &t.handle
}

// Advance moves the clock forward by d, firing every timer that comes due on
// the way (see Fake). It panics if d is negative or if another Advance is in
// progress: either is a bug in the test, and the panic lists the pending
// timers to help find it.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		panic(f.misuse(fmt.Sprintf("Advance(%v): time cannot go backwards", d)))
	}
	f.advanceTo(func(at int64) int64 { return addSat(at, d) },
		func() string { return fmt.Sprintf("Advance(%v)", d) })
}

// AdvanceTo moves the clock forward to t, like Advance. It panics if t is
// before Now.
func (f *Fake) AdvanceTo(t time.Time) {
	if now := f.Now(); t.Before(now) {
		panic(f.misuse(fmt.Sprintf("AdvanceTo(%s): that is %v before now", f.offset(t), now.Sub(t))))
	}
	target := int64(t.Sub(f.start))
	f.advanceTo(func(at int64) int64 { return max(at, target) },
		func() string { return fmt.Sprintf("AdvanceTo(%s)", f.offset(t)) })
}

// AdvanceToNext moves the clock to the deadline of the earliest pending timer
// and fires it (with any other timer due at the same instant). It reports how
// far the clock moved, and false when nothing was pending.
func (f *Fake) AdvanceToNext() (time.Duration, bool) {
	moved, ok := time.Duration(0), false
	f.advanceTo(func(at int64) int64 {
		if f.pending.len() == 0 {
			return at
		}
		next := f.pending.first().when
		moved, ok = time.Duration(next-at), true
		return next
	}, func() string { return "AdvanceToNext()" })
	return moved, ok
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

// advanceTo moves the clock to the offset target(at), computed under the
// lock from the current offset, firing the due timers in order. Channel
// timers fire under the lock; the lock is dropped around each callback.
// call names the caller for the concurrent-use panic.
func (f *Fake) advanceTo(target func(at int64) int64, call func() string) {
	f.mu.Lock()
	if f.advancing {
		desc := f.describeLocked()
		f.mu.Unlock()
		panic(fmt.Sprintf("clock: %s called while another Advance is running; advance from one goroutine at a time\n%s", call(), desc))
	}
	f.advancing = true
	// A timer due at math.MaxInt64 (292 years away, or more) never fires.
	end := min(target(f.at), math.MaxInt64-1)

	finished := false
	defer func() {
		if !finished { // a callback panicked: leave the clock usable
			f.mu.Lock()
			f.advancing = false
			f.mu.Unlock()
		}
	}()

	for {
		if f.pending.len() == 0 || f.pending.first().when > end {
			if end > f.at {
				f.setAtLocked(end)
			}
			f.advancing = false
			f.mu.Unlock()
			finished = true
			return
		}
		when := f.pending.first().when
		t := f.pending.pop()
		f.setAtLocked(when)
		f.notifyLocked()
		if fn := f.fireLocked(t, when, end); fn != nil {
			f.mu.Unlock()
			fn()
			f.mu.Lock()
		}
	}
}

func (f *Fake) setAtLocked(at int64) {
	f.at = at
	f.now = f.start.Add(time.Duration(at))
}

// fireLocked delivers a due timer. It returns the callback to run, if any,
// once the lock is released.
func (f *Fake) fireLocked(t *fakeTimer, when, end int64) func() {
	if t.fn != nil {
		return t.fn
	}
	select {
	case t.ch <- f.now:
	default: // a ticker whose reader has not taken the last tick: drop it
	}
	if t.period > 0 {
		// The reader cannot run before this Advance returns, so every tick
		// up to end would be dropped: skip to the first grid point after it.
		next := addSat(when, t.period)
		if next <= end {
			ticks := (end-when)/int64(t.period) + 1
			if ticks > (math.MaxInt64-when)/int64(t.period) {
				next = math.MaxInt64
			} else {
				next = when + ticks*int64(t.period)
			}
		}
		f.pushLocked(t, next)
	}
	return nil
}

// fakeTimer is the state behind a Timer, a Ticker, a Sleep or a deadline.
// Its deadline and arming order live in its heap entry while it is pending.
type fakeTimer struct {
	clock  *Fake
	ch     chan time.Time
	fn     func()
	armed  time.Duration
	period time.Duration
	pcs    stack
	slot   int32 // its slot in the heap while pending, -1 otherwise
	kind   Kind
}

// arm sets t up and schedules it d from now. The caller has recorded its
// own caller in t.pcs.
func (f *Fake) arm(t *fakeTimer, kind Kind, d, period time.Duration, fn func()) {
	t.clock, t.kind, t.period, t.fn, t.slot = f, kind, period, fn, -1
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
}

// scheduleLocked puts t in the heap to fire d from now. A timer already due
// fires at once; for an AfterFunc that means a callback for the caller to
// run on a goroutine of its own, unless an Advance is running: then the
// callback is due now, and that Advance runs it at this instant before it
// moves on, like the callbacks due later in its window.
func (f *Fake) scheduleLocked(t *fakeTimer, d time.Duration) (run func()) {
	t.armed = d
	if d <= 0 && t.period == 0 {
		if t.fn == nil {
			t.ch <- f.now
			return nil
		}
		if !f.advancing {
			return t.fn
		}
		d = 0
	}
	f.pushLocked(t, addSat(f.at, d))
	f.notifyLocked()
	return nil
}

// pushLocked puts t in the heap, due at offset when, after the timers
// already due then.
func (f *Fake) pushLocked(t *fakeTimer, when int64) {
	f.seq++
	f.pending.push(t, when, f.seq)
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
	active := t.slot >= 0
	if active {
		f.pending.remove(f.pending.slots[t.slot].pos)
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
	var pcs stack
	f := t.clock
	if f.tracking() {
		pcs.record(1) // skip Timer.Reset or Ticker.Reset
	}
	f.mu.Lock()
	active := f.unscheduleLocked(t)
	t.period = period
	t.pcs = pcs
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
	ps := make([]Pending, f.pending.len())
	for i, e := range f.pending.entries {
		t := f.pending.slots[e.slot].t
		ps[i] = Pending{Kind: t.kind, Duration: t.armed, Deadline: f.start.Add(time.Duration(e.when)),
			Period: t.period, seq: e.seq, pcs: t.pcs}
	}
	slices.SortFunc(ps, func(a, b Pending) int {
		if c := a.Deadline.Compare(b.Deadline); c != 0 {
			return c
		}
		return a.seq.compare(b.seq)
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
	for i, p := range ps {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  ... and %d more", len(ps)-maxListed)
			break
		}
		fmt.Fprintf(&b, "\n  %s of %v, due at %s", p.Kind, p.Duration, f.offset(p.Deadline))
		if p.Period > 0 {
			fmt.Fprintf(&b, " (every %v)", p.Period)
		}
		fmt.Fprintf(&b, ", armed at %s", p.ArmedAt())
	}
	return b.String()
}

// maxListed bounds the pending timers a description lists one by one.
const maxListed = 50

// offset renders t relative to the clock's start, the way specs think of it.
func (f *Fake) offset(t time.Time) string {
	d := t.Sub(f.start)
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

// maxCallSites bounds the pending timers whose call site is recorded.
// Recording costs as much as the rest of arming a timer put together; a
// test that arms timers by the thousand would pay it for a listing nobody
// reads whole. The first timers armed still show where they came from,
// which in such a test is where all the others come from too.
const maxCallSites = 1024

// tracking reports whether a timer armed now gets its call site recorded.
func (f *Fake) tracking() bool { return !f.pending.full.Load() }

// stack holds the innermost frames of whoever armed a timer, starting at
// the exported method of this package it called; it is symbolised only if
// someone asks (ArmedAt), so arming stays cheap. A few frames are enough to
// get past this package's own.
type stack [2]uintptr

// record captures the stack from its caller's frame up, skipping skip
// frames more. Call it from the exported method the user called (skip 0),
// so that the unwinder walks as few frames as possible: it is most of the
// cost of arming a timer. s must be zero: the frames that do not exist are
// left zero.
//
// When the caller is itself part of the kit's fakes (fakes/memnet arming a
// deadline for a SetReadDeadline, say), the second frame is replaced by the
// first frame outside them, so that ArmedAt names the code that asked the
// fake for it rather than the fake's own line. That deeper walk is paid only
// by timers the fakes arm.
func (s *stack) record(skip int) {
	runtime.Callers(2+skip, s[:])
	if s[1] == 0 || !inFakes(s[1]) {
		return
	}
	var deep [24]uintptr
	n := runtime.Callers(2+skip, deep[:])
	for _, pc := range deep[1:n] {
		if !inFakes(pc) {
			s[1] = pc
			return
		}
	}
	if n > 1 {
		s[1] = deep[n-1]
	}
}

// fakesPrefix starts the name of every function of the kit's fakes.
const fakesPrefix = "autoroute/fakes/"

// fakePCs caches, per program counter, whether it lies in a function of the
// fakes (not counting their tests).
var fakePCs sync.Map // uintptr -> bool

// inFakes reports whether the frame that returns to pc belongs to one of the
// kit's fakes. A frame that the fakes were inlined into belongs to its
// outermost function: the caller's.
func inFakes(pc uintptr) bool {
	if v, ok := fakePCs.Load(pc); ok {
		return v.(bool)
	}
	frames := runtime.CallersFrames([]uintptr{pc})
	var outer string
	for {
		fr, more := frames.Next()
		outer = fr.Function
		if !more {
			break
		}
	}
	in := isFakesFunc(outer)
	fakePCs.Store(pc, in)
	return in
}

// isFakesFunc reports whether fn, a function's full name, is in one of the
// kit's fakes packages; their external tests (package clock_test) are
// callers like any other.
func isFakesFunc(fn string) bool {
	rest, ok := strings.CutPrefix(fn, fakesPrefix)
	if !ok {
		return false
	}
	if i := strings.IndexByte(rest, '['); i >= 0 {
		rest = rest[:i]
	}
	pkg := rest
	if i := strings.IndexByte(rest[strings.LastIndexByte(rest, '/')+1:], '.'); i >= 0 {
		pkg = rest[:strings.LastIndexByte(rest, '/')+1+i]
	}
	return !strings.HasSuffix(pkg, "_test")
}

// addSat returns at+d, saturating instead of overflowing.
func addSat(at int64, d time.Duration) int64 {
	sum := at + int64(d)
	switch {
	case d > 0 && sum < at:
		return math.MaxInt64
	case d < 0 && sum > at:
		return math.MinInt64
	}
	return sum
}

const thisPackage = "autoroute/fakes/clock."

func callSite(pcs []uintptr) string {
	if i := slices.Index(pcs, 0); i >= 0 {
		pcs = pcs[:i]
	}
	if len(pcs) == 0 {
		return fmt.Sprintf("(not recorded: over %d timers were pending)", maxCallSites)
	}
	frames := runtime.CallersFrames(pcs)
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, thisPackage) && !isFakesFunc(fr.Function) && !strings.HasPrefix(fr.Function, "context.") {
			return fmt.Sprintf("%s:%d", fr.File, fr.Line)
		}
		if !more {
			return fmt.Sprintf("%s:%d", fr.File, fr.Line)
		}
	}
}

// timerHeap is a min-heap of pending timers ordered by deadline,
// then arming order. Its entries hold copies of the keys and a slot number
// instead of a pointer, so sifting compares and moves plain numbers: no
// pointer chasing, no GC write barriers. A timer's slot is stable while it
// is pending; the slot knows the timer's current place in entries, which is
// what Stop needs to remove it.
type timerHeap struct {
	full    atomic.Bool // len(entries) >= maxCallSites, readable without the lock
	entries []heapEntry
	slots   []heapSlot
	free    []int32 // unused slots
}

type heapSlot struct {
	t   *fakeTimer
	pos int32 // index in entries
}

// seq numbers the arming of timers, to fire timers due at the same instant
// in the order they were armed. It wraps around after 2³² arms; compare
// tells the order of two numbers less than 2³¹ arms apart, which tied
// timers always are in practice. It keeps heap entries at 16 bytes, so
// that the four children of a node fit in one cache line.
type seq uint32

func (s seq) compare(o seq) int { return cmp.Compare(int32(s-o), 0) }

type heapEntry struct {
	when int64
	seq  seq
	slot int32
}

func (e *heapEntry) less(o *heapEntry) bool {
	return e.when < o.when || e.when == o.when && e.seq.compare(o.seq) < 0
}

func (h *timerHeap) len() int { return len(h.entries) }

func (h *timerHeap) first() *heapEntry { return &h.entries[0] }

func (h *timerHeap) push(t *fakeTimer, when int64, seq seq) {
	var slot int32
	if n := len(h.free); n > 0 {
		slot = h.free[n-1]
		h.free = h.free[:n-1]
		h.slots[slot].t = t
	} else {
		slot = int32(len(h.slots))
		h.slots = append(grow(h.slots), heapSlot{t: t})
	}
	t.slot = slot
	h.entries = append(grow(h.entries), heapEntry{when, seq, slot})
	if len(h.entries) == maxCallSites {
		h.full.Store(true)
	}
	h.up(len(h.entries) - 1)
}

// grow doubles the capacity of a full slice. append grows a large slice by
// a quarter only, which for 100k timers means copying the heap many times
// over.
func grow[S ~[]E, E any](s S) S {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 4))
}

// pop removes and returns the earliest timer.
//
// The hole left at the root goes down to a leaf along the smaller
// children, and the last entry is sifted up from there: it usually belongs
// near the bottom, so this saves most of the comparisons of a plain sift
// down.
func (h *timerHeap) pop() *fakeTimer {
	es := h.entries
	slot := es[0].slot
	t := h.slots[slot].t
	t.slot = -1
	h.slots[slot].t = nil
	h.free = append(h.free, slot)
	last := len(es) - 1
	e := es[last]
	es = es[:last]
	h.entries = es
	if len(h.entries) == maxCallSites-1 {
		h.full.Store(false)
	}
	if last == 0 {
		return t
	}
	i := 0
	for {
		first := arity*i + 1
		if first >= last {
			break
		}
		child := first
		for c := first + 1; c < first+arity && c < last; c++ {
			if es[c].less(&es[child]) {
				child = c
			}
		}
		es[i] = es[child]
		h.slots[es[i].slot].pos = int32(i)
		i = child
	}
	es[i] = e
	h.up(i)
	return t
}

// remove takes out the entry at index i.
func (h *timerHeap) remove(i int32) {
	slot := h.entries[i].slot
	h.slots[slot].t.slot = -1
	h.slots[slot].t = nil
	h.free = append(h.free, slot)
	last := int32(len(h.entries) - 1)
	if i != last {
		h.entries[i] = h.entries[last]
		h.slots[h.entries[i].slot].pos = i
	}
	h.entries = h.entries[:last]
	if len(h.entries) == maxCallSites-1 {
		h.full.Store(false)
	}
	if i != last && !h.down(i) {
		h.up(int(i))
	}
}

// The heap is 4-ary: half the depth of a binary heap, and the children of
// a node share a cache line or two.
const arity = 4

func (h *timerHeap) up(i int) {
	es := h.entries
	e := es[i]
	for i > 0 {
		parent := (i - 1) / arity
		if !e.less(&es[parent]) {
			break
		}
		es[i] = es[parent]
		h.slots[es[i].slot].pos = int32(i)
		i = parent
	}
	es[i] = e
	h.slots[e.slot].pos = int32(i)
}

// down sifts the entry at i down and reports whether it moved.
func (h *timerHeap) down(i0 int32) bool {
	es := h.entries
	i, n := int(i0), len(es)
	e := es[i]
	for {
		first := arity*i + 1
		if first >= n {
			break
		}
		child := first
		for c := first + 1; c < first+arity && c < n; c++ {
			if es[c].less(&es[child]) {
				child = c
			}
		}
		if !es[child].less(&e) {
			break
		}
		es[i] = es[child]
		h.slots[es[i].slot].pos = int32(i)
		i = child
	}
	es[i] = e
	h.slots[e.slot].pos = int32(i)
	return i > int(i0)
}
