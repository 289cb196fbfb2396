package await_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/future"
	"autoroute/specs/await/timeline"
)

// learnerPackage is the import path of the code under test.
const learnerPackage = "autoroute/solutions/future"

// began is when the running spec started. The waits below share its budget:
// code that is right gets there in microseconds, and the budget only decides
// how long a spec waits before it explains what went wrong.
var began time.Time

var _ = BeforeEach(func() { began = time.Now() })

// within returns ctx cut short at the given share of the spec's budget.
func within(ctx context.Context, share float64) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, began.Add(time.Duration(share*float64(harness.Budget))))
}

// outcome is what a future gave: its value and its error.
type outcome[T any] struct {
	value T
	err   error
}

// call is learner code running on a goroutine the spec owns, and how the
// call reads in messages.
type call[T any] struct {
	what string
	*harness.Call[T]
}

// start runs fn, described by what, on a goroutine of the spec's.
func start[T any](what string, fn func() T) call[T] {
	return call[T]{what, harness.Go(what, fn)}
}

// build calls a function that makes a future and checks that it did.
func build[T any](ctx context.Context, what string, fn func() *future.Future[T]) *future.Future[T] {
	GinkgoHelper()
	f := harness.Go(what, fn).Wait(ctx)
	Expect(f).NotTo(BeNil(), "%s returned a nil future.", what)
	return f
}

// awaiting starts f.Await(ctx) on a goroutine of the spec's.
func awaiting[T any](ctx context.Context, f *future.Future[T], what string) call[outcome[T]] {
	return start(what, func() outcome[T] {
		v, err := f.Await(ctx)
		return outcome[T]{v, err}
	})
}

// await awaits f and returns what it gave, failing the spec if it does not.
func await[T any](ctx context.Context, f *future.Future[T], what string) outcome[T] {
	GinkgoHelper()
	return awaiting(ctx, f, what).Wait(ctx)
}

// scene is the stage of a spec about time: a fake clock and the timeline of
// what ran when on it. A nil *scene is a spec without a clock.
type scene struct {
	clk *clock.Fake
	tl  *timeline.Timeline
}

// newScene's clock is checked by the harness when the spec ends: no timer
// armed by learner code may still be pending on it.
func newScene() *scene {
	clk := harness.NewClock()
	return &scene{clk: clk, tl: timeline.New(clk)}
}

// picture is what a failure shows of the scene: the timeline and the
// clock's pending timers.
func (s *scene) picture() string {
	if s == nil {
		return ""
	}
	return "\n\n" + s.tl.String() + "\n\n" + s.clk.String()
}

// timers is a condition on the clock: a timer of each duration is pending.
func timers(ds ...time.Duration) func([]clock.Pending) bool {
	return func(ps []clock.Pending) bool {
		left := append([]time.Duration(nil), ds...)
		for _, p := range ps {
			for i, d := range left {
				if p.Duration == d {
					left = append(left[:i], left[i+1:]...)
					break
				}
			}
		}
		return len(left) == 0
	}
}

// waitFor waits for a fact the spec needs before it moves the clock, such as
// "three timers are pending": cond holds on the clock's pending timers. If
// the call returns first, or the fact does not come within half the budget,
// the spec fails with explain (what was expected, and why) and the timeline;
// a call still running is first left to run, the clock moving from timer to
// timer, so that the timeline shows what it does instead.
func waitFor[T any](ctx context.Context, s *scene, c call[T], fact string, cond func([]clock.Pending) bool, explain func() string) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.5)
	defer cancel()
	go func() {
		select {
		case <-c.Done():
			cancel()
		case <-waitCtx.Done():
		}
	}()
	if s.clk.WaitUntil(waitCtx, fact, cond) == nil {
		return
	}
	// The explanation speaks of the moment the spec gave up waiting: take
	// it before the replay below moves the clock on.
	why := explain()
	if c.Returned() {
		c.Wait(ctx) // a panic or a stub explains itself
		Fail(fmt.Sprintf("%s returned while the spec was still waiting for %s.\n\n%s%s", c.what, fact, why, s.picture()))
	}
	s.replay(ctx, c.Done())
	Fail(fmt.Sprintf("The spec waited for %s: it did not happen. %s\n\nTo show what %s does instead, "+
		"the spec then moved the clock from timer to timer.%s", fact, why, c.what, s.picture()))
}

// finish waits for the call to return, without moving the clock, and
// returns its result. If it does not return within half the budget, the
// spec fails with explain and, for a spec with a clock, the timeline of what
// the call does when the clock is moved on.
func finish[T any](ctx context.Context, s *scene, c call[T], explain func() string) T {
	GinkgoHelper()
	share := 0.5
	if s == nil {
		share = 0.9 // nothing to replay: every moment is the call's
	}
	waitCtx, cancel := within(ctx, share)
	defer cancel()
	select {
	case <-c.Done():
		return c.Wait(ctx)
	case <-waitCtx.Done():
	}
	if s == nil {
		Fail(fmt.Sprintf("%s had not returned when the spec's budget ran out. %s", c.what, explain()))
	}
	now := s.clk.Since(clock.Epoch)
	why := explain() // before the replay moves the clock on
	s.replay(ctx, c.Done())
	how := "It still had not returned when the spec then moved the clock from timer to timer."
	if c.Returned() {
		how = "It returned only once the spec moved the clock on, from timer to timer."
	}
	Fail(fmt.Sprintf("%s should have returned at %s without the clock moving any further. %s %s%s",
		c.what, offset(now), how, why, s.picture()))
	panic("unreachable: Fail does not return")
}

// replay moves the clock to each next pending timer in turn until done is
// closed, a few dozen steps have passed or most of the budget is gone. It
// runs only once a spec has failed, to fill the timeline in: after each
// step it gives the code a moment (a few milliseconds of real time) to react
// to the timers that fired, so that the timeline is the code's, not the
// replay's.
func (s *scene) replay(ctx context.Context, done <-chan struct{}) {
	ctx, cancel := within(ctx, 0.8)
	defer cancel()
	// until waits for cond, for at most limit, and reports whether to go on.
	until := func(limit time.Duration, cond func([]clock.Pending) bool) bool {
		waitCtx, stop := context.WithTimeout(ctx, limit)
		defer stop()
		go func() {
			select {
			case <-done:
				stop()
			case <-waitCtx.Done():
			}
		}()
		_ = s.clk.WaitUntil(waitCtx, "a change on the clock", cond)
		select {
		case <-done:
			return false
		default:
			return ctx.Err() == nil
		}
	}
	for range 80 {
		if !until(harness.Budget, func(ps []clock.Pending) bool { return len(ps) > 0 }) {
			return
		}
		s.clk.AdvanceToNext()
		after := s.clk.Pending()
		if !until(10*time.Millisecond, func(ps []clock.Pending) bool { return !samePending(ps, after) }) {
			return
		}
	}
}

// samePending reports whether two lists of pending timers are the same.
func samePending(a, b []clock.Pending) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Deadline.Equal(b[i].Deadline) || a[i].Duration != b[i].Duration || a[i].Kind != b[i].Kind {
			return false
		}
	}
	return true
}

// offset renders a virtual time as the timeline does.
func offset(d time.Duration) string { return "+" + d.String() }

// job is the work of a future in a spec. It runs for d of virtual time (a
// timer on the scene's clock) and returns value and err; a job of no
// duration runs until released. If its context ends first it returns the
// context's error. It records itself on the scene's timeline.
type job[T any] struct {
	name  string
	s     *scene
	d     time.Duration
	value T
	err   error

	calls   atomic.Int32
	started chan struct{} // closed when the work first begins
	stopped chan struct{} // closed when the work sees its context end
	release chan struct{}

	startOnce, stopOnce, releaseOnce sync.Once
}

func newJob[T any](s *scene, name string, d time.Duration, value T, err error) *job[T] {
	return &job[T]{name: name, s: s, d: d, value: value, err: err,
		started: make(chan struct{}), stopped: make(chan struct{}), release: make(chan struct{})}
}

// gate is a job without a clock: it runs until released or cancelled.
func gate[T any](name string, value T, err error) *job[T] {
	return newJob(nil, name, 0, value, err)
}

// run is the work itself, to hand to future.Go or future.Lazy.
func (j *job[T]) run(ctx context.Context) (T, error) {
	j.calls.Add(1)
	j.startOnce.Do(func() { close(j.started) })
	var tick <-chan time.Time
	if j.s != nil {
		j.s.tl.Begin(j.name)
		if j.d > 0 {
			timer := j.s.clk.NewTimer(j.d)
			defer timer.Stop()
			tick = timer.C
		}
	}
	select {
	case at := <-tick:
		note := "ok"
		if j.err != nil {
			note = "failed"
		}
		j.s.tl.EndAt(j.name, at, note)
		return j.value, j.err
	case <-j.release:
		return j.value, j.err
	case <-ctx.Done():
		j.stopOnce.Do(func() { close(j.stopped) })
		if j.s != nil {
			j.s.tl.End(j.name, "cancelled")
		}
		var zero T
		return zero, ctx.Err()
	}
}

// Release lets a job of no duration return its value and error.
func (j *job[T]) Release() { j.releaseOnce.Do(func() { close(j.release) }) }

// expect waits, within half the budget, for a fact about the clock that no
// single call of the learner's is responsible for (the work of an eager
// future arming its timer, say), and fails with explain if it never comes.
func (s *scene) expect(ctx context.Context, fact string, cond func([]clock.Pending) bool, explain string) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.5)
	defer cancel()
	if s.clk.WaitUntil(waitCtx, fact, cond) != nil {
		Fail(fmt.Sprintf("The spec waited for %s: it did not happen. %s%s", fact, explain, s.picture()))
	}
}

// inTurn says so if the tasks of the timeline rows named ran one after
// another, each starting once the one before had ended: it opens the
// explanation of a spec that expected them side by side.
func inTurn(s *scene, names ...string) string {
	var prev *timeline.Span
	for _, name := range names {
		spans := s.tl.Spans(name)
		if len(spans) != 1 || spans[0].Open || (prev != nil && spans[0].Start < prev.End) {
			return ""
		}
		prev = &spans[0]
	}
	return fmt.Sprintf("Your %d futures ran one after another: each started only once the one before had ended. ", len(names))
}

// armed describes the timers pending on a clock by their durations and
// deadlines, for a message: "no timer at all", or "a timer of 250ms (due
// at +300ms), a context deadline of 1s (due at +1s)".
func armed(ps []clock.Pending) string {
	if len(ps) == 0 {
		return "no timer at all"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("a %v of %v (due at %s)", p.Kind, p.Duration, offset(p.Deadline.Sub(clock.Epoch)))
	}
	return strings.Join(parts, ", ")
}

// noTimerLeft fails the spec if a timer is still pending on the scene's
// clock once the call the spec made has returned: a timer nobody stopped
// holds its channel, and its callback, until it fires, for nothing.
func noTimerLeft(s *scene, after, explain string) {
	GinkgoHelper()
	if ps := s.clk.Pending(); len(ps) > 0 {
		Fail(fmt.Sprintf("%s, but %s was still armed on the clock. %s\n\n%s", after, armed(ps), explain, s.clk))
	}
}
