// Package harness is what every lesson's Ginkgo suite shares. It calls
// learner code on a goroutine the spec owns, so that a panic becomes a failed
// spec and a deadlock a timed-out one, never a dead or hung suite; it checks
// that each spec leaves no goroutine behind, and no timer armed on a fake
// clock it watches; and it marks where each spec starts and ends on standard
// error, so that the grader can pin a data race or a crash on the spec that
// caused it.
//
// Using it in a spec:
//
//	It("does the thing", func(spec SpecContext) {
//		ctx := harness.Context(spec) // a plain context: learner code gets nothing of Ginkgo's
//		clk := harness.NewClock() // a clock.Fake checked when the spec ends
//		call := harness.Go("pkg.Thing(ctx, clk)", func() error { return pkg.Thing(ctx, clk) })
//		call.WaitFor(ctx, "Thing to arm its 1s timer", func(ctx context.Context) error {
//			return clk.WaitForTimer(ctx, time.Second)
//		})
//		clk.Advance(time.Second)
//		Expect(call.Wait(ctx, clk)).To(Succeed())
//	}, harness.Timeout)
//
// After each spec (and its DeferCleanups), the harness fails it if
// goroutines started during it still run, then if a clock made by NewClock
// (or passed to Watch) in the spec or a BeforeEach still holds a timer,
// ticker, AfterFunc or context deadline that learner code (a file under
// solutions/) armed. Timers the spec armed itself do not count. A spec that
// may legitimately end with learner timers armed says so with
// AllowPendingTimers(clk, why). Both failures record wire.ReasonLeak: the runner
// reports them as "leaked", and the message says which.
package harness

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"autoroute/internal/wire"
)

// Budget is the real-time safety net of every spec. Specs run in virtual
// time and finish in microseconds; the budget only turns a hang into a
// failure that explains itself.
const Budget = 2 * time.Second

// Timeout is the decorator every It carries. Ginkgo's timeout covers the
// whole spec, its cleanups and leak check included, so it leaves room for
// each: the harness's own waits give up first, at the budget of the node
// they are in, with a message that says what was awaited, and Ginkgo's
// terse "A spec timeout occurred" remains only for code that blocks outside
// them.
var Timeout = ginkgo.SpecTimeout(3 * Budget)

// nodeStart is when the running spec (or cleanup) began; the harness's waits
// end at nodeStart+Budget.
var nodeStart atomic.Pointer[time.Time]

func startNode() {
	now := time.Now()
	nodeStart.Store(&now)
}

// Bounded returns ctx cut short at the running spec's (or cleanup's)
// budget, for a spec that waits on something itself: its wait then ends in
// time for a message of its own (see FailTimedOut) before Ginkgo's terse
// timeout.
func Bounded(ctx context.Context) (context.Context, context.CancelFunc) { return bounded(ctx) }

// FailTimedOut fails the spec with message, recording that learner code
// never got where the spec waited for it (a deadlock, a wait on the wrong
// clock): the grader reports it as "timed out" rather than "failed".
func FailTimedOut(message string) {
	ginkgo.GinkgoHelper()
	failStuck(message, "")
}

// bounded returns ctx cut short at the running node's budget.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	start := nodeStart.Load()
	if start == nil {
		return context.WithTimeout(ctx, Budget)
	}
	return context.WithDeadline(ctx, start.Add(Budget))
}

// DeferCleanup registers fn to run when the spec ends, with a budget of its
// own, like ginkgo.DeferCleanup with a SpecContext.
func DeferCleanup(fn func(ctx context.Context)) {
	ginkgo.DeferCleanup(func(ctx ginkgo.SpecContext) {
		startNode()
		fn(ctx)
	}, ginkgo.NodeTimeout(Budget+time.Second)) // teach.go's guard says where code is stuck first, at Budget+Budget/4
}

// RunSuite runs a lesson's suite from its TestXxx function. readme is the
// lesson text the failures point to.
func RunSuite(t *testing.T, lesson, readme string) {
	gomega.RegisterFailHandler(failTeaching) // teach.go: every failure names its section
	suite, reporter := ginkgo.GinkgoConfiguration()
	// A spec that ignores its context gets one more second, not thirty.
	suite.GracePeriod = time.Second
	openResults()
	setup(readme)
	reportConfig(suite)
	finish := prepareRun(t, lesson, readme, &suite, &reporter) // learner.go: a person's run reports as subtests
	ginkgo.RunSpecs(t, "Autoroute lesson "+lesson, suite, reporter, guardNodes())
	if finish != nil {
		finish()
	}
}

var (
	readmePath string
	before     atomic.Pointer[[]gleak.Goroutine] // the goroutines alive when the current spec started
	tolerated  atomic.Pointer[string]            // a package whose goroutines the current spec may leave
)

func setup(readme string) {
	readmePath = readme
	registerResults()
	ginkgo.BeforeEach(func() {
		startNode()
		tolerated.Store(nil)
		resetWatch()
		resetCalls()
		snapshot := gleak.Goroutines()
		before.Store(&snapshot)
		// Registered first, so it runs last: after the spec's own cleanups
		// (which shut down what the spec started).
		ginkgo.DeferCleanup(func(ctx ginkgo.SpecContext) {
			if ginkgo.CurrentSpecReport().Failed() {
				// The spec has its verdict and its message already: a leak
				// or a timer left armed by code that failed (or hung) would
				// only be reported under it, after a second's wait.
				return
			}
			// Goroutines that are on their way out (they sent their last
			// value and are returning) get a moment to finish; the budget is
			// a safety net, not a wait for code to "get there": a correct
			// program has nothing left to do.
			leaks := gomega.NewGomega(func(message string, callerSkip ...int) {
				diagnose(wire.ReasonLeak)
				ginkgo.Fail(message, callerSkip...)
			})
			// This check's own node is watched (teach.go's guard).
			ignoring := []any{snapshot, gleak.IgnoringCreator("autoroute/internal/harness/guard.Watch")}
			if pkg := tolerated.Load(); pkg != nil {
				ignoring = append(ignoring, gleak.IgnoringCreator(*pkg+"..."))
			}
			// Bounded by the spec's context too: a check abandoned by a
			// timed-out spec must not poll on beside the next spec's.
			leaks.Eventually(ctx, gleak.Goroutines).WithTimeout(time.Second).WithPolling(5*time.Millisecond).
				ShouldNot(gleak.HaveLeaked(ignoring...),
					"The spec ended, but goroutines started during it are still running: every goroutine "+
						"your code starts must end once its work is done or its context is cancelled. "+
						"Each one is listed below with where it was started. %s", See(current()))
			// Once the learner's goroutines are gone, their deferred
			// Stops have run: what is still armed was forgotten.
			checkTimers()
		})
	})
}

const reasonEntry = "autoroute-reason"

// diagnose records why the spec is about to fail (one of package wire's
// Reason constants, which the grader reads), unless it failed already.
func diagnose(reason string) {
	if ginkgo.CurrentSpecReport().Failed() {
		return
	}
	ginkgo.AddReportEntry(reasonEntry, reason, ginkgo.ReportEntryVisibilityNever)
}

// See points the learner at an exercise's section of the lesson text: the
// heading "### <exercise id>".
func See(exercise string) string {
	if readmePath == "" {
		return ""
	}
	return fmt.Sprintf("(Read %s, section %q.)", readmePath, exercise)
}

// current is the exercise of the running spec: its top-level Describe's
// label.
func current() string {
	if labels := ginkgo.CurrentSpecReport().Labels(); len(labels) > 0 {
		return labels[0]
	}
	return ""
}

// Call is learner code running on a goroutine the spec owns.
type Call[T any] struct {
	what  string
	done  chan struct{}
	value T
	panic any
	stack string
}

// Go starts fn, described by what as the learner would write the call
// (for example "executor.Hello(ctx, clk, &out)"), on a goroutine of its
// own. A panic in fn is caught and reported by Wait.
func Go[T any](what string, fn func() T) *Call[T] {
	c := &Call[T]{what: what, done: make(chan struct{})}
	recordCall(specCall{what: what, done: c.done, ok: func() bool { return c.panic == nil }})
	go func() {
		defer close(c.done)
		defer func() {
			if r := recover(); r != nil {
				c.panic = r
				c.stack = string(debug.Stack())
			}
		}()
		c.value = fn()
	}()
	return c
}

// Do is Go for a call with no result.
func Do(what string, fn func()) *Call[struct{}] {
	return Go(what, func() struct{} { fn(); return struct{}{} })
}

// Done is closed once the call has returned or panicked.
func (c *Call[T]) Done() <-chan struct{} { return c.done }

// Returned reports, without blocking, whether the call has finished.
func (c *Call[T]) Returned() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Wait waits for the call and returns its result. It fails the spec if the
// call panicked, or if ctx (the spec's context) ended first; state, if
// given, is described in the failure (a fake clock lists its timers).
func (c *Call[T]) Wait(ctx context.Context, state ...fmt.Stringer) T {
	ginkgo.GinkgoHelper()
	ctx, cancel := bounded(ctx)
	defer cancel()
	select {
	case <-c.done:
	case <-ctx.Done():
		failStuck(fmt.Sprintf("%s had not returned when the spec's %v budget ran out. It is blocked: "+
			"a deadlock, a receive nobody will send to, a send nobody will receive, or a wait on the "+
			"real clock instead of the one it was given.%s", c.what, Budget, describe(state)), c.what+" to return")
	}
	c.failOnPanic()
	return c.value
}

// failOnPanic turns a caught panic into a failure that says what to do.
func (c *Call[T]) failOnPanic() {
	ginkgo.GinkgoHelper()
	if c.panic == nil {
		return
	}
	msg := fmt.Sprint(c.panic)
	if strings.HasPrefix(msg, "TODO(") {
		diagnose(wire.ReasonStub)
		ginkgo.Fail(fmt.Sprintf("%s is still a stub: %s %s", c.what, msg, See(current())))
	}
	diagnose(wire.ReasonPanic)
	ginkgo.Fail(withSection(fmt.Sprintf("%s panicked: %s\n\n%s", c.what, msg, learnerFrames(c.stack))))
}

// StillStub waits, within the budget, for the call to end, and reports
// whether it panicked with a TODO: the learner has not written it yet. It
// never fails the spec; Wait does that.
func (c *Call[T]) StillStub(ctx context.Context) bool {
	ctx, cancel := bounded(ctx)
	defer cancel()
	select {
	case <-c.done:
		return c.panic != nil && strings.HasPrefix(fmt.Sprint(c.panic), "TODO(")
	case <-ctx.Done():
		return false
	}
}

// TolerateGoroutinesFrom excuses the goroutines that package pkg started
// during the current spec from its leak check. A spec uses it when the code
// that would stop them is still a stub (the executor's Shutdown, while the
// learner works on its lanes): they cannot end, and that is not the
// exercise's fault.
func TolerateGoroutinesFrom(pkg string) {
	tolerated.Store(&pkg)
}

// Panicked reports whether the finished call panicked, and with what.
func (c *Call[T]) Panicked() (any, bool) {
	<-c.done
	return c.panic, c.panic != nil
}

func describe(state []fmt.Stringer) string {
	var b strings.Builder
	for _, s := range state {
		if s != nil {
			b.WriteString("\n\n")
			b.WriteString(s.String())
		}
	}
	return b.String()
}

// learnerFrames keeps the part of a stack that is about the learner's code,
// dropping the harness and runtime frames around it.
func learnerFrames(stack string) string {
	lines := strings.Split(stack, "\n")
	var kept []string
	for i := 0; i+1 < len(lines); i++ {
		fn := lines[i]
		if strings.HasPrefix(fn, "goroutine ") || strings.HasPrefix(fn, "\t") {
			continue
		}
		if strings.Contains(fn, "runtime/debug.") || strings.Contains(fn, "autoroute/internal/harness.") ||
			strings.HasPrefix(fn, "panic(") || strings.HasPrefix(fn, "runtime.") {
			i++
			continue
		}
		kept = append(kept, fn, lines[i+1])
		i++
	}
	if len(kept) == 0 {
		return stack
	}
	return strings.Join(kept, "\n")
}

// Buffer is an io.Writer that many goroutines may write to while a spec
// reads it.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// GoroutinesStartedBy returns the live goroutines that code in package pkg
// (an import path, such as "autoroute/solutions/executor") started since
// the current spec began.
func GoroutinesStartedBy(pkg string) []gleak.Goroutine {
	old := map[uint64]bool{}
	if snapshot := before.Load(); snapshot != nil {
		for _, g := range *snapshot {
			old[g.ID] = true
		}
	}
	var started []gleak.Goroutine
	for _, g := range gleak.Goroutines() {
		if strings.HasPrefix(g.CreatorFunction, pkg+".") && !old[g.ID] {
			started = append(started, g)
		}
	}
	return started
}

// ListGoroutinesStartedBy describes, one per line, the goroutines that
// package pkg started since the current spec began, for a failure message;
// "(none)" when there are none.
func ListGoroutinesStartedBy(pkg string) string {
	var b strings.Builder
	for _, g := range GoroutinesStartedBy(pkg) {
		b.WriteString("  " + g.String() + "\n")
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

// WaitFor waits, within ctx, for a fact the spec needs before it can go
// on, such as "the code armed a 1s timer": wait blocks until the fact
// holds. If the learner's call returns or panics first, or the budget runs
// out, the spec fails saying which fact never came.
func (c *Call[T]) WaitFor(ctx context.Context, fact string, wait func(context.Context) error) {
	ginkgo.GinkgoHelper()
	waitCtx, cancel := bounded(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-waitCtx.Done():
		}
	}()
	err := wait(waitCtx)
	if err == nil {
		return
	}
	if c.Returned() {
		c.failOnPanic()
		ginkgo.Fail(withSection(fmt.Sprintf("%s returned before the spec saw what it waited for: %s.", c.what, fact)))
	}
	failStuck(fmt.Sprintf("The spec waited for this: %s. It never happened within the spec's %v budget.\n\n%v", fact, Budget, err), fact)
}

// Receive waits, within ctx, for a value on ch: a fact the spec needs, such
// as "a task started". If ctx ends first the spec fails, saying what never
// came (what) and why it matters (hint, may be empty).
func Receive[T any](ctx context.Context, ch <-chan T, what, hint string) T {
	ginkgo.GinkgoHelper()
	ctx, cancel := bounded(ctx)
	defer cancel()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		failStuck(fmt.Sprintf("The spec waited for %s. It never came within the spec's %v budget. %s", what, Budget, hint), what)
	}
	panic("unreachable: Fail does not return")
}

// Context returns the context a spec hands to learner code. It ends when the
// spec's own context ends, with the same cause, but it is a plain context of
// the standard library's: learner code holds nothing of Ginkgo's (no
// SpecContext, no progress reporter, no path back to the suite), whatever it
// does with the value. Every spec starts with it:
//
//	It("does the thing", func(spec SpecContext) {
//		ctx := harness.Context(spec)
func Context(spec context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	// Ginkgo cancels a spec's context when the spec's node returns, so the
	// AfterFunc runs once per spec at most and leaves nothing behind.
	context.AfterFunc(spec, func() { cancel(context.Cause(spec)) })
	return ctx
}
