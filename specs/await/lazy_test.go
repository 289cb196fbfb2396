package await_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/future"
	"autoroute/specs/await/timeline"
)

var _ = Describe("lazy", Label("lazy"), func() {
	It("does nothing until it is first awaited: no goroutine, no call", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", "done", nil)
		f := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[string] { return future.Lazy(ctx, work.run) })

		Expect(harness.GoroutinesStartedBy(learnerPackage)).To(BeEmpty(),
			"future.Lazy returned, and nobody has awaited its future yet, but your package started goroutines:\n%s"+
				"A lazy future is only a value until its first Await, like a Rust future nobody polls: it costs "+
				"no goroutine and does not call its work. Start the goroutine inside f.start. %s", harness.ListGoroutinesStartedBy(learnerPackage), harness.See("lazy"))
		Expect(work.calls.Load()).To(BeZero(),
			"future.Lazy called its work before anyone awaited the future. %s", harness.See("lazy"))

		c := awaiting(ctx, f, "f.Await(ctx)")
		harness.Receive(ctx, work.started, "the first Await to start the work",
			"Await calls f.begin(), which calls f.start: set f.start to a function that starts the work. "+harness.See("lazy"))
		work.Release()
		got := finish(ctx, nil, c, func() string { return "The work returned: its future's Await should too. " + harness.See("lazy") })
		Expect(got).To(Equal(outcome[string]{value: "done"}), "Await should return the work's value. %s", harness.See("lazy"))
	}, harness.Timeout)

	It("runs its work once, however many Awaits start it at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 3, nil)
		f := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[int] { return future.Lazy(ctx, work.run) })

		var calls []call[outcome[int]]
		for range 5 {
			calls = append(calls, awaiting(ctx, f, "f.Await(ctx), one of five at once"))
		}
		harness.Receive(ctx, work.started, "the Awaits to start the work", harness.See("lazy"))
		work.Release()
		for _, c := range calls {
			got := finish(ctx, nil, c, func() string { return "The work returned: every Await should too. " + harness.See("lazy") })
			Expect(got).To(Equal(outcome[int]{value: 3}), "Every Await should return the work's value. %s", harness.See("lazy"))
		}
		Expect(work.calls.Load()).To(BeEquivalentTo(1),
			"Five Awaits started the same lazy future at once: its work should run once, and all five share its "+
				"result. f.start is called by every Await: guard it with f.once (sync.Once). %s", harness.See("lazy"))
	}, harness.Timeout)

	It("starts its work on the first Await, with Lazy's context: an Await that gives up does not stop it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 9, nil)
		f := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[int] { return future.Lazy(ctx, work.run) })

		gone, cancel := context.WithCancel(ctx)
		cancel()
		got := finish(ctx, nil, awaiting(gone, f, "f.Await(cancelledCtx)"), func() string {
			return "An Await whose context has already ended should return ctx.Err() at once. " + harness.See("lazy")
		})
		Expect(got.err).To(MatchError(context.Canceled), "An Await whose context has already ended should return ctx.Err(). %s", harness.See("lazy"))
		harness.Receive(ctx, work.started, "the work to start, on the first Await, even though that Await gave up",
			"The first Await starts a lazy future (it calls f.begin() before it waits). "+harness.See("lazy"))

		work.Release()
		Expect(await(ctx, f, "a second f.Await(ctx)")).To(Equal(outcome[int]{value: 9}),
			"The first Await gave up, but the work it started goes on: it runs with the context given to Lazy, not "+
				"with the Await's. A second Await should collect its result, 9. %s", harness.See("lazy"))
		Expect(work.calls.Load()).To(BeEquivalentTo(1), "The work should have run once. %s", harness.See("lazy"))
	}, harness.Timeout)

	It("starts its clock at the first Await, where an eager future starts at Go", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("future.Go", "future.Lazy")
		eager := newJob(s, "future.Go", time.Second, "eager", nil)
		lazy := newJob(s, "future.Lazy", time.Second, "lazy", nil)
		e := build(ctx, "future.Go(ctx, work)", func() *future.Future[string] { return future.Go(ctx, eager.run) })
		l := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[string] { return future.Lazy(ctx, lazy.run) })

		// At +0s the eager future's work is running; the lazy one waits.
		s.expect(ctx, "future.Go's work to arm its one-second timer", timers(time.Second),
			"future.Go starts its work at once. "+harness.See("future"))
		s.clk.Advance(time.Second)
		Expect(await(ctx, e, "eager.Await(ctx)")).To(Equal(outcome[string]{value: "eager"}))

		// At +1s, the first Await of the lazy future starts its second.
		c := awaiting(ctx, l, "lazy.Await(ctx)")
		waitFor(ctx, s, c, "the lazy future's work to arm its one-second timer", timers(time.Second), func() string {
			return "The spec awaited the lazy future at +1s: its work should start then. " + harness.See("lazy")
		})
		s.clk.Advance(time.Second)
		got := finish(ctx, s, c, func() string { return "The lazy future's work finished at +2s. " + harness.See("lazy") })
		Expect(got).To(Equal(outcome[string]{value: "lazy"}))
		Expect(s.tl.Spans("future.Lazy")).To(Equal([]timeline.Span{{Start: time.Second, End: 2 * time.Second}}),
			"A lazy future does nothing until it is awaited: made at +0s and awaited at +1s, its one-second work "+
				"should run from +1s to +2s, where the eager one ran from +0s to +1s. %s%s", harness.See("lazy"), s.picture())
	}, harness.Timeout)

	It("Cancel before the first Await still reaches the work: it runs, if at all, with its context ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 4, nil)
		DeferCleanup(work.Release)
		f := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[int] { return future.Lazy(ctx, work.run) })
		harness.Do("f.Cancel() before any Await", f.Cancel).Wait(ctx)
		got := finish(ctx, nil, awaiting(ctx, f, "f.Await(ctx) after f.Cancel()"), func() string {
			return "The spec cancelled the lazy future before anyone awaited it, then awaited it. Its work's " +
				"context should already be cancelled when the work starts, so the work ends at once: make the " +
				"work's context in Lazy itself (context.WithCancel) and keep its cancel in f.cancel, not in f.start. " + harness.See("lazy")
		})
		Expect(got.err).To(MatchError(context.Canceled),
			"f.Cancel() cancels the work's context whether the work started or not: awaited afterwards, the future "+
				"should end with context.Canceled. It gave (%v, %v). %s", got.value, got.err, harness.See("lazy"))
		if work.calls.Load() > 0 {
			Expect(work.stopped).To(BeClosed(), "The work ran after f.Cancel(), with a live context. %s", harness.See("lazy"))
		}
	}, harness.Timeout)

	It("runs its work with a context derived from Lazy's: ending that context reaches the work, and it is released once the work returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		lazyCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		work := gate("work", 1, nil)
		DeferCleanup(work.Release)
		f := build(ctx, "future.Lazy(lazyCtx, work)", func() *future.Future[int] { return future.Lazy(lazyCtx, work.run) })
		c := awaiting(ctx, f, "f.Await(ctx)")
		harness.Receive(ctx, work.started, "the first Await to start the work", harness.See("lazy"))
		cancel()
		harness.Receive(ctx, work.stopped, "the work's context to end once the context given to Lazy was cancelled",
			"The work runs with a context derived from the one given to Lazy (context.WithCancel(ctx)): when that "+
				"context ends, the work's must end too. context.Background() cuts the work off from its caller. "+harness.See("lazy"))
		Expect(finish(ctx, nil, c, func() string { return "The work returned. " + harness.See("lazy") }).err).To(MatchError(context.Canceled),
			"The work returned its context's error: Await should return it. %s", harness.See("lazy"))

		got := make(chan context.Context, 1)
		done := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[int] {
			return future.Lazy(ctx, func(wctx context.Context) (int, error) { got <- wctx; return 2, nil })
		})
		Expect(await(ctx, done, "f.Await(ctx)")).To(Equal(outcome[int]{value: 2}), "The work returned 2. %s", harness.See("lazy"))
		wctx := harness.Receive(ctx, got, "the work to be called", "")
		harness.Receive(ctx, wctx.Done(), "the work's context to be cancelled once the work had returned",
			"The lazy work returned, and nobody called f.Cancel(), but its context was never cancelled: it stays "+
				"registered with its parent until then. In the goroutine that runs the work, defer the cancel function. "+harness.See("lazy"))
	}, harness.Timeout)
})
