package await_test

import (
	"context"
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"autoroute/internal/harness"
	"autoroute/solutions/future"
)

var _ = Describe("try-all", Label("try-all"), func() {
	It("returns every value in the order of the futures given when they all succeed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (2s)", "b (1s)", "future.TryAll")
		a := newJob(s, "a (2s)", 2*time.Second, 1, nil)
		b := newJob(s, "b (1s)", time.Second, 2, nil)
		fs := []*future.Future[int]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[int] { return future.Go(ctx, a.run) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[int] { return future.Go(ctx, b.run) }),
		}
		try := start("future.TryAll(ctx, a, b)", func() outcome[[]int] {
			s.tl.Begin("future.TryAll")
			values, err := future.TryAll(ctx, fs...)
			s.tl.End("future.TryAll", "returned")
			return outcome[[]int]{values, err}
		})
		waitFor(ctx, s, try, "the two futures' timers, of 2s and 1s", timers(2*time.Second, time.Second), func() string {
			return "Futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(2 * time.Second)
		got := finish(ctx, s, try, func() string { return "Both futures were done at +2s. " + harness.See("try-all") })
		Expect(got.err).NotTo(HaveOccurred(), "No future failed: TryAll should return a nil error. %s", harness.See("try-all"))
		Expect(got.value).To(Equal([]int{1, 2}),
			"TryAll should return the values in the order of the futures given (a, b), whatever order they finished in. %s%s",
			harness.See("try-all"), s.picture())
	}, harness.Timeout)

	It("returns the first error as soon as it happens, whatever the order of the futures", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (3s)", "b (1s, fails)", "c (2s)", "future.TryAll")
		broken := errors.New("b: engine failure")
		a := newJob(s, "a (3s)", 3*time.Second, "a", nil)
		b := newJob(s, "b (1s, fails)", time.Second, "", broken)
		c := newJob(s, "c (2s)", 2*time.Second, "c", nil)
		fs := []*future.Future[string]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[string] { return future.Go(ctx, a.run) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[string] { return future.Go(ctx, b.run) }),
			build(ctx, "future.Go(ctx, c)", func() *future.Future[string] { return future.Go(ctx, c.run) }),
		}
		try := start("future.TryAll(ctx, a, b, c)", func() outcome[[]string] {
			s.tl.Begin("future.TryAll")
			values, err := future.TryAll(ctx, fs...)
			s.tl.End("future.TryAll", "returned")
			return outcome[[]string]{values, err}
		})
		waitFor(ctx, s, try, "the three futures' timers", timers(3*time.Second, time.Second, 2*time.Second), func() string {
			return "Futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(time.Second) // b fails
		got := finish(ctx, s, try, func() string {
			return "b failed at +1s: TryAll should return its error then, like try_join!. The futures given first " +
				"are not done yet: awaiting them in order makes TryAll wait for a, which takes 3s. Wait for all the " +
				"futures at once (a goroutine per future, sending on one channel) and act on whichever finishes " +
				"first. " + harness.See("try-all")
		})
		Expect(got.err).To(MatchError(broken), "b failed: TryAll should return b's error. %s%s", harness.See("try-all"), s.picture())
	}, harness.Timeout)

	It("cancels the other futures when one fails, and they stop", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a", "b (1s, fails)", "c", "future.TryAll")
		broken := errors.New("b: engine failure")
		a := newJob(s, "a", 0, 1, nil)
		b := newJob(s, "b (1s, fails)", time.Second, 0, broken)
		c := newJob(s, "c", 0, 3, nil)
		fs := []*future.Future[int]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[int] { return future.Go(ctx, a.run) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[int] { return future.Go(ctx, b.run) }),
			build(ctx, "future.Go(ctx, c)", func() *future.Future[int] { return future.Go(ctx, c.run) }),
		}
		try := start("future.TryAll(ctx, a, b, c)", func() outcome[[]int] {
			s.tl.Begin("future.TryAll")
			values, err := future.TryAll(ctx, fs...)
			s.tl.End("future.TryAll", "returned")
			return outcome[[]int]{values, err}
		})
		waitFor(ctx, s, try, "b's one-second timer", timers(time.Second), func() string {
			return "Futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(time.Second)
		got := finish(ctx, s, try, func() string {
			return "b failed at +1s: TryAll should return its error then. " + harness.See("try-all")
		})
		Expect(got.err).To(MatchError(broken), "b failed: TryAll should return b's error. %s", harness.See("try-all"))
		for _, j := range []*job[int]{a, c} {
			harness.Receive(ctx, j.stopped, "the work of future "+j.name+" to be cancelled after b failed",
				"Once one future failed, the others' results are of no use: TryAll should cancel every other "+
					"future (f.Cancel()), as try_join! drops them, or their goroutines run on for nothing. "+
					harness.See("try-all")+s.picture())
		}
	}, harness.Timeout)

	It("returns the context's error at once when the context ends, and cancels every future", func(spec SpecContext) {
		ctx := harness.Context(spec)
		works := []*job[int]{gate("a", 1, nil), gate("b", 2, nil)}
		var fs []*future.Future[int]
		for _, w := range works {
			fs = append(fs, build(ctx, "future.Go(ctx, "+w.name+")", func() *future.Future[int] { return future.Go(ctx, w.run) }))
		}
		tryCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		try := start("future.TryAll(ctx, a, b)", func() outcome[[]int] {
			values, err := future.TryAll(tryCtx, fs...)
			return outcome[[]int]{values, err}
		})
		for _, w := range works {
			harness.Receive(ctx, w.started, "future "+w.name+" to start", "")
		}
		cancel()
		got := finish(ctx, nil, try, func() string {
			return "The spec cancelled TryAll's context while the futures ran: TryAll should return ctx.Err() at once. " + harness.See("try-all")
		})
		Expect(got.err).To(MatchError(context.Canceled), "TryAll's context was cancelled: TryAll should return ctx.Err(). %s", harness.See("try-all"))
		for _, w := range works {
			harness.Receive(ctx, w.stopped, "the work of future "+w.name+" to be cancelled",
				"TryAll owns the futures it was given: when it gives up, it must cancel them (f.Cancel()). "+harness.See("try-all"))
		}
	}, harness.Timeout)

	It("returns at once, with no values and no error, when given no future", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := finish(ctx, nil, start("future.TryAll(ctx)", func() outcome[[]int] {
			values, err := future.TryAll[int](ctx)
			return outcome[[]int]{values, err}
		}), func() string {
			return "TryAll was given no future at all: there is nothing to wait for, and it should return at once " +
				"(a loop that waits for \"all done\" must count zero as done). " + harness.See("try-all")
		})
		Expect(got.err).NotTo(HaveOccurred(), "No future, so none failed: TryAll should return a nil error. %s", harness.See("try-all"))
		Expect(got.value).To(BeEmpty(), "TryAll was given no future: it should return no value. %s", harness.See("try-all"))
	}, harness.Timeout)

	It("returns one error when several futures fail at the same instant, and leaves no waiter blocked", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (1s, fails)", "b (1s, fails)", "c (1s)", "d (1s, fails)", "future.TryAll")
		errs := []error{errors.New("a: flat tyre"), errors.New("b: no fuel"), nil, errors.New("d: wrong exit")}
		var fs []*future.Future[int]
		for i, err := range errs {
			name := string(rune('a'+i)) + " (1s"
			if err != nil {
				name += ", fails"
			}
			name += ")"
			j := newJob(s, name, time.Second, i, err)
			fs = append(fs, build(ctx, "future.Go(ctx, "+name[:1]+")", func() *future.Future[int] { return future.Go(ctx, j.run) }))
		}
		try := start("future.TryAll(ctx, a, b, c, d)", func() outcome[[]int] {
			s.tl.Begin("future.TryAll")
			values, err := future.TryAll(ctx, fs...)
			s.tl.End("future.TryAll", "returned")
			return outcome[[]int]{values, err}
		})
		waitFor(ctx, s, try, "the four futures' timers, of 1s each", timers(time.Second, time.Second, time.Second, time.Second), func() string {
			return "Futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(time.Second) // a, b and d fail together, c succeeds
		got := finish(ctx, s, try, func() string {
			return "Three futures failed at +1s: TryAll should return one of their errors then. " + harness.See("try-all")
		})
		Expect(got.err).To(Or(MatchError(errs[0]), MatchError(errs[1]), MatchError(errs[3])),
			"a, b and d failed at the same instant: TryAll should return the error of one of them. It gave (%v, %v). %s%s",
			got.value, got.err, harness.See("try-all"), s.picture())
		// The leak check after the spec catches a waiter still blocked on
		// its send: TryAll returned after the first outcome it read, and the
		// other futures finished too.
	}, harness.Timeout)

	It("ends the goroutines it started when it returns, even while a future ignores its cancellation", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (stubborn)", "b (1s, fails)", "future.TryAll")
		broken := errors.New("b: engine failure")
		stubborn := make(chan struct{})
		DeferCleanup(func() { close(stubborn) })
		deaf := func(context.Context) (int, error) { <-stubborn; return 1, nil } // does not look at its context
		b := newJob(s, "b (1s, fails)", time.Second, 0, broken)
		fs := []*future.Future[int]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[int] { return future.Go(ctx, deaf) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[int] { return future.Go(ctx, b.run) }),
		}
		try := start("future.TryAll(ctx, a, b)", func() outcome[[]int] {
			values, err := future.TryAll(ctx, fs...)
			return outcome[[]int]{values, err}
		})
		waitFor(ctx, s, try, "b's one-second timer", timers(time.Second), func() string {
			return "Futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(time.Second)
		got := finish(ctx, s, try, func() string {
			return "b failed at +1s: TryAll should return its error then. " + harness.See("try-all")
		})
		Expect(got.err).To(MatchError(broken), "b failed: TryAll should return b's error. %s", harness.See("try-all"))

		// a's work ignores its cancellation and runs on: that goroutine is
		// the spec's doing. Those TryAll started must end now that TryAll
		// has returned, on their way out at once.
		startedByTryAll := func() []gleak.Goroutine {
			var mine []gleak.Goroutine
			for _, g := range harness.GoroutinesStartedBy(learnerPackage) {
				if strings.Contains(g.CreatorFunction, ".TryAll") {
					mine = append(mine, g)
				}
			}
			return mine
		}
		Eventually(ctx, startedByTryAll).WithTimeout(harness.Budget/2).WithPolling(5*time.Millisecond).Should(BeEmpty(),
			"TryAll returned, but goroutines it started are still there, waiting for a future whose work does not "+
				"stop when cancelled. Those goroutines must end with TryAll: await with a context derived from "+
				"TryAll's and cancelled when it returns (defer its cancel), never with context.Background(). %s", harness.See("try-all"))
	}, harness.Timeout)
})
