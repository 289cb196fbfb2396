package await_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/future"
)

var _ = Describe("all", Label("all"), func() {
	It("returns every value in the order of the futures given, whatever order they finish in", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (3s)", "b (1s)", "c (2s)", "future.All")
		a := newJob(s, "a (3s)", 3*time.Second, "a", nil)
		b := newJob(s, "b (1s)", time.Second, "b", nil)
		c := newJob(s, "c (2s)", 2*time.Second, "c", nil)
		fs := []*future.Future[string]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[string] { return future.Go(ctx, a.run) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[string] { return future.Go(ctx, b.run) }),
			build(ctx, "future.Go(ctx, c)", func() *future.Future[string] { return future.Go(ctx, c.run) }),
		}
		all := start("future.All(ctx, a, b, c)", func() outcome[[]string] {
			s.tl.Begin("future.All")
			values, err := future.All(ctx, fs...)
			s.tl.End("future.All", "returned")
			return outcome[[]string]{values, err}
		})
		waitFor(ctx, s, all, "the three futures' timers, of 3s, 1s and 2s", timers(3*time.Second, time.Second, 2*time.Second), func() string {
			return "Three futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(3 * time.Second)
		got := finish(ctx, s, all, func() string { return "Every future was done at +3s. " + harness.See("all") })
		Expect(got.err).NotTo(HaveOccurred(), "No future failed: All should return a nil error. %s", harness.See("all"))
		Expect(got.value).To(Equal([]string{"a", "b", "c"}),
			"All should return the values in the order of the futures it was given (a, b, c), not in the order they "+
				"finished (b, c, a). %s%s", harness.See("all"), s.picture())
	}, harness.Timeout)

	It("runs the futures side by side: lazy futures of 1s, 2s and 3s take 3s, not 6s", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (1s)", "b (2s)", "c (3s)", "future.All")
		var fs []*future.Future[time.Duration]
		for _, d := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
			name := string(rune('a'+len(fs))) + " (" + d.String() + ")"
			j := newJob(s, name, d, d, nil)
			fs = append(fs, build(ctx, "future.Lazy(ctx, "+name+")", func() *future.Future[time.Duration] { return future.Lazy(ctx, j.run) }))
		}
		all := start("future.All(ctx, a, b, c)", func() outcome[[]time.Duration] {
			s.tl.Begin("future.All")
			values, err := future.All(ctx, fs...)
			s.tl.End("future.All", "returned")
			return outcome[[]time.Duration]{values, err}
		})

		waitFor(ctx, s, all, "the three futures to run at once: timers of 1s, 2s and 3s pending together at +0s",
			timers(time.Second, 2*time.Second, 3*time.Second), func() string {
				return inTurn(s, "a (1s)", "b (2s)", "c (3s)") +
					"future.All should start every future before it waits for any, so that they run side by side " +
					"and All takes as long as the slowest: 3s. A lazy future starts on its first Await: awaiting them " +
					"one after another runs them one after another, and All takes 1s + 2s + 3s = 6s. Call f.begin() " +
					"on each future first, then await them. " + harness.See("all")
			})
		s.clk.Advance(3 * time.Second)
		got := finish(ctx, s, all, func() string { return "All three futures were done at +3s. " + harness.See("all") })
		Expect(got.err).NotTo(HaveOccurred())
		Expect(got.value).To(Equal([]time.Duration{time.Second, 2 * time.Second, 3 * time.Second}),
			"All should return the values in the order of the futures given. %s%s", harness.See("all"), s.picture())
	}, harness.Timeout)

	It("waits for every future even after one failed, and joins the errors", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("a (1s)", "b (2s)", "c (3s)", "future.All")
		errA, errC := errors.New("a: puncture"), errors.New("c: out of fuel")
		a := newJob(s, "a (1s)", time.Second, "", errA)
		b := newJob(s, "b (2s)", 2*time.Second, "b", nil)
		c := newJob(s, "c (3s)", 3*time.Second, "", errC)
		fs := []*future.Future[string]{
			build(ctx, "future.Go(ctx, a)", func() *future.Future[string] { return future.Go(ctx, a.run) }),
			build(ctx, "future.Go(ctx, b)", func() *future.Future[string] { return future.Go(ctx, b.run) }),
			build(ctx, "future.Go(ctx, c)", func() *future.Future[string] { return future.Go(ctx, c.run) }),
		}
		all := start("future.All(ctx, a, b, c)", func() outcome[[]string] {
			s.tl.Begin("future.All")
			values, err := future.All(ctx, fs...)
			s.tl.End("future.All", "returned")
			return outcome[[]string]{values, err}
		})
		waitFor(ctx, s, all, "the three futures' timers", timers(time.Second, 2*time.Second, 3*time.Second), func() string {
			return "Three futures made by future.Go run at once. " + harness.See("future")
		})
		s.clk.Advance(time.Second) // a fails
		s.clk.Advance(2 * time.Second)
		got := finish(ctx, s, all, func() string { return "Every future was done at +3s. " + harness.See("all") })
		Expect(got.value).To(Equal([]string{"", "b", ""}),
			"a failed at +1s, but All, like join!, waits for every future: b's value, \"b\", should be there, at its "+
				"place. Returning at the first error is TryAll's job. %s%s", harness.See("all"), s.picture())
		Expect(got.err).To(And(MatchError(errA), MatchError(errC)),
			"a and c failed: All's error should join both their errors (errors.Join), so that errors.Is finds each. %s", harness.See("all"))
	}, harness.Timeout)

	It("returns the context's error at once when the context ends, and cancels every future", func(spec SpecContext) {
		ctx := harness.Context(spec)
		works := []*job[int]{gate("a", 1, nil), gate("b", 2, nil)}
		var fs []*future.Future[int]
		for _, w := range works {
			fs = append(fs, build(ctx, "future.Go(ctx, "+w.name+")", func() *future.Future[int] { return future.Go(ctx, w.run) }))
		}
		allCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		all := start("future.All(ctx, a, b)", func() outcome[[]int] {
			values, err := future.All(allCtx, fs...)
			return outcome[[]int]{values, err}
		})
		for _, w := range works {
			harness.Receive(ctx, w.started, "future "+w.name+" to start", "")
		}
		cancel()
		got := finish(ctx, nil, all, func() string {
			return "The spec cancelled All's context while the futures ran: All should return ctx.Err() at once. " + harness.See("all")
		})
		Expect(got.err).To(MatchError(context.Canceled), "All's context was cancelled: All should return ctx.Err(). %s", harness.See("all"))
		for _, w := range works {
			harness.Receive(ctx, w.stopped, "the work of future "+w.name+" to be cancelled",
				"All owns the futures it was given, as join! does: when it gives up, nobody will read their results, "+
					"so it must cancel them (f.Cancel()). "+harness.See("all"))
		}
	}, harness.Timeout)

	It("returns at once, with no values and no error, when given no future", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := finish(ctx, nil, start("future.All(ctx)", func() outcome[[]int] {
			values, err := future.All[int](ctx)
			return outcome[[]int]{values, err}
		}), func() string {
			return "All was given no future at all: there is nothing to wait for, and it should return at once. " + harness.See("all")
		})
		Expect(got.err).NotTo(HaveOccurred(), "No future, so none failed: All should return a nil error. %s", harness.See("all"))
		Expect(got.value).To(BeEmpty(), "All was given no future: it should return no value. %s", harness.See("all"))
	}, harness.Timeout)
})
