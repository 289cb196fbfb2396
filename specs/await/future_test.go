package await_test

import (
	"context"
	"errors"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/future"
)

var _ = Describe("future", Label("future"), func() {
	It("starts its work at once, before anyone awaits it, and Await returns the work's value", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })

		harness.Receive(ctx, work.started, "the work to start, before anyone awaited its future",
			"future.Go starts its work at once, on a goroutine of its own, the way tokio::spawn does: "+
				"the caller does not have to await it for it to run. "+harness.See("future"))
		work.Release()
		got := await(ctx, f, "f.Await(ctx)")
		Expect(got.err).NotTo(HaveOccurred(), "The work returned 42 and no error; Await returned an error. %s", harness.See("future"))
		Expect(got.value).To(Equal(42), "Await should return the value the work returned. %s", harness.See("future"))

		broken := errors.New("engine failure")
		failing := gate("failing work", 0, broken)
		failing.Release()
		f = build(ctx, "future.Go(ctx, failingWork)", func() *future.Future[int] { return future.Go(ctx, failing.run) })
		Expect(await(ctx, f, "f.Await(ctx)").err).To(MatchError(broken),
			"Await should return the error the work returned. %s", harness.See("future"))
	}, harness.Timeout)

	It("awaiting twice gives the same result, and the second Await does not block", func(spec SpecContext) {
		ctx := harness.Context(spec)
		broken := errors.New("flat tyre")
		work := gate("work", "", broken)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[string] { return future.Go(ctx, work.run) })

		// Three Awaits wait together, then two more come once it is done.
		var calls []call[outcome[string]]
		for range 3 {
			calls = append(calls, awaiting(ctx, f, "f.Await(ctx), one of three waiting together"))
		}
		harness.Receive(ctx, work.started, "the work to start", "")
		work.Release()
		for range 2 {
			calls = append(calls, awaiting(ctx, f, "f.Await(ctx) on a future that is already done"))
		}
		for i, c := range calls {
			got := finish(ctx, nil, c, func() string {
				return "Every Await of a finished future must return its result at once: close f.done once the " +
					"result is set, rather than send on it. A value sent on a channel is received once, by one " +
					"receiver; a closed channel is seen by every receiver, now and later. " + harness.See("future")
			})
			Expect(got.err).To(MatchError(broken), "Await number %d should return the work's error, like the others. %s", i+1, harness.See("future"))
		}
	}, harness.Timeout)

	It("gives up with the context's error when the context ends first, and the work goes on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 7, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		harness.Receive(ctx, work.started, "the work to start", "")

		awaitCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := awaiting(awaitCtx, f, "f.Await(ctx)")
		cancel()
		got := finish(ctx, nil, c, func() string {
			return "The spec cancelled the Await's context while the work was still running. Await should " +
				"return ctx.Err() at once: wait with a select on f.done and ctx.Done(). " + harness.See("future")
		})
		Expect(got.err).To(MatchError(context.Canceled),
			"The Await's context was cancelled before the work finished: Await should return ctx.Err(). %s", harness.See("future"))

		work.Release()
		got = await(ctx, f, "a second f.Await(ctx), with a live context")
		Expect(got).To(Equal(outcome[int]{value: 7}),
			"An Await that gives up only stops waiting: the work goes on, and a later Await collects its result. "+
				"Here the work returned 7. %s", harness.See("future"))
	}, harness.Timeout)

	It("Ready returns a future that is already done", func(spec SpecContext) {
		ctx := harness.Context(spec)
		f := build(ctx, "future.Ready(7, nil)", func() *future.Future[int] { return future.Ready(7, nil) })
		Expect(f.Done()).To(BeClosed(), "future.Ready(7, nil) should return a future whose done channel is already closed. %s", harness.See("future"))
		Expect(await(ctx, f, "f.Await(ctx)")).To(Equal(outcome[int]{value: 7}),
			"Awaiting future.Ready(7, nil) should give 7 and no error. %s", harness.See("future"))

		broken := errors.New("no fuel")
		f = build(ctx, "future.Ready(0, broken)", func() *future.Future[int] { return future.Ready(0, broken) })
		Expect(f.Done()).To(BeClosed(), "future.Ready(0, err) should return a future that is already done. %s", harness.See("future"))
		Expect(await(ctx, f, "f.Await(ctx)").err).To(MatchError(broken),
			"Awaiting future.Ready(0, err) should give err. %s", harness.See("future"))
	}, harness.Timeout)

	It("Map applies fn to the value, and passes an error through without calling fn", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 21, nil)
		src := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		double := func(n int) (int, error) { return 2 * n, nil }
		mapped := build(ctx, "future.Map(ctx, f, double)", func() *future.Future[int] { return future.Map(ctx, src, double) })
		work.Release()
		Expect(await(ctx, mapped, "future.Map(ctx, f, double).Await(ctx)")).To(Equal(outcome[int]{value: 42}),
			"f gave 21, so the future of double applied to it should give 42. %s", harness.See("future"))

		broken := errors.New("overheated")
		var called int
		count := func(n int) (int, error) { called++; return n, nil }
		failed := build(ctx, "future.Ready(0, broken)", func() *future.Future[int] { return future.Ready(0, broken) })
		mapped = build(ctx, "future.Map(ctx, failed, fn)", func() *future.Future[int] { return future.Map(ctx, failed, count) })
		Expect(await(ctx, mapped, "future.Map(ctx, failed, fn).Await(ctx)").err).To(MatchError(broken),
			"The future Map was given failed: the mapped future should fail with the same error. %s", harness.See("future"))
		Expect(called).To(BeZero(), "The future Map was given failed, so there is no value to apply fn to: fn must not be called. %s", harness.See("future"))
	}, harness.Timeout)

	It("Cancel cancels the work's context, and the future completes with what the work returns", func(spec SpecContext) {
		ctx := harness.Context(spec)
		work := gate("work", 1, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		harness.Receive(ctx, work.started, "the work to start", "")

		f.Cancel()
		harness.Receive(ctx, work.stopped, "the work's context to end after f.Cancel()",
			"Go should run the work with a context derived from ctx by context.WithCancel, and keep the cancel "+
				"function in the future's cancel field: that is what f.Cancel() calls. "+harness.See("future"))
		Expect(await(ctx, f, "f.Await(ctx)").err).To(MatchError(context.Canceled),
			"The cancelled work returned its context's error: Await should return it. %s", harness.See("future"))
	}, harness.Timeout)

	It("Map ends with its context's error when that context ends while f is still pending, without calling fn", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var called atomic.Int32
		count := func(n int) (int, error) { called.Add(1); return n, nil }
		ways := []struct {
			what string
			end  func(cancel context.CancelFunc, mapped *future.Future[int])
		}{
			{"the spec cancelled the ctx given to Map", func(cancel context.CancelFunc, _ *future.Future[int]) { cancel() }},
			{"the spec called Cancel on the mapped future", func(_ context.CancelFunc, mapped *future.Future[int]) { mapped.Cancel() }},
		}
		for _, way := range ways {
			work := gate("source", 5, nil)
			DeferCleanup(work.Release)
			src := build(ctx, "future.Go(ctx, source)", func() *future.Future[int] { return future.Go(ctx, work.run) })
			harness.Receive(ctx, work.started, "the source's work to start", "")
			mapCtx, cancel := context.WithCancel(ctx)
			mapped := build(ctx, "future.Map(mapCtx, f, fn)", func() *future.Future[int] { return future.Map(mapCtx, src, count) })
			way.end(cancel, mapped)
			got := finish(ctx, nil, awaiting(ctx, mapped, "mapped.Await(ctx)"), func() string {
				return "While the future Map was given was still running, " + way.what + ": the mapped future's " +
					"context ended, so its work, which awaits f, should stop waiting and end with the context's " +
					"error. Await f with the context Go hands to the work, not with context.Background(), and not " +
					"with a bare <-f.Done(). " + harness.See("future")
			})
			cancel()
			Expect(got.err).To(MatchError(context.Canceled),
				"While f was still running, %s: the mapped future should end with context.Canceled. It gave (%v, %v). %s",
				way.what, got.value, got.err, harness.See("future"))
			work.Release()
			Expect(await(ctx, src, "f.Await(ctx)")).To(Equal(outcome[int]{value: 5}),
				"The source future was not Map's to cancel: it should finish with its own value. %s", harness.See("future"))
			Expect(called.Load()).To(BeZero(),
				"%s before f had a value: fn should never be called, not even once f finishes later. %s", way.what, harness.See("future"))
		}
	}, harness.Timeout)

	It("releases the work's context once the work has returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := make(chan context.Context, 1)
		work := func(wctx context.Context) (int, error) { got <- wctx; return 3, nil }
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work) })
		Expect(await(ctx, f, "f.Await(ctx)")).To(Equal(outcome[int]{value: 3}), "The work returned 3. %s", harness.See("future"))
		wctx := harness.Receive(ctx, got, "the work to be called", "")
		harness.Receive(ctx, wctx.Done(), "the work's context to be cancelled once the work had returned",
			"The work returned, and nobody called f.Cancel(), but its context was never cancelled. A context made "+
				"by context.WithCancel stays registered with its parent until it is cancelled: a long-lived parent "+
				"then holds every finished future's context. In Go's goroutine, defer the cancel function. "+harness.See("future"))
	}, harness.Timeout)
})
