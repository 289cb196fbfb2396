package await_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/future"
)

// timeoutCall starts future.Timeout(ctx, clk, d, f) on the scene's clock,
// recording it on the timeline.
func timeoutCall[T any](ctx context.Context, s *scene, d time.Duration, f *future.Future[T]) call[outcome[T]] {
	what := "future.Timeout(ctx, clk, " + d.String() + ", f)"
	return start(what, func() outcome[T] {
		s.tl.Begin("future.Timeout")
		v, err := future.Timeout(ctx, s.clk, d, f)
		note := "returned"
		if err != nil {
			note = "returned an error"
		}
		s.tl.End("future.Timeout", note)
		return outcome[T]{v, err}
	})
}

// timerOf is a condition on the clock: a timer of d is pending, due d after
// the start.
func timerOf(d time.Duration) func([]clock.Pending) bool {
	return func(ps []clock.Pending) bool {
		for _, p := range ps {
			if p.Duration == d && p.Deadline.Equal(clock.Epoch.Add(d)) {
				return true
			}
		}
		return false
	}
}

var _ = Describe("timeout", Label("timeout"), func() {
	const d = time.Second

	It("returns the future's value when it finishes before the time is up, even 1ns before", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work (1s - 1ns)", "future.Timeout")
		work := newJob(s, "work (1s - 1ns)", d-time.Nanosecond, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		s.expect(ctx, "the work's timer, of 1s - 1ns", timerOf(d-time.Nanosecond), "future.Go starts its work at once. "+harness.See("future"))

		c := timeoutCall(ctx, s, d, f)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1s on the clock it was given", timerOf(d), func() string {
			return "Timeout(ctx, clk, 1s, f) should wait on clk, for exactly 1s from the moment it is called " +
				"(clk.NewTimer(d)); time.After and time.Sleep wait on the real clock, which the spec cannot move. " + harness.See("timeout")
		})
		s.clk.Advance(d - time.Nanosecond)
		got := finish(ctx, s, c, func() string {
			return "The work finished at +1s - 1ns, before the time was up: Timeout should return its value then. " + harness.See("timeout")
		})
		Expect(got.err).NotTo(HaveOccurred(),
			"The work finished 1ns before the time was up: Timeout should return its result, not an error. %s%s", harness.See("timeout"), s.picture())
		Expect(got.value).To(Equal(42), "Timeout should return the future's value. %s", harness.See("timeout"))
	}, harness.Timeout)

	It("expires exactly when the time is up, with an error of its own: ErrTimeout, not the context's", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work", "future.Timeout")
		work := newJob(s, "work", 0, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })

		c := timeoutCall(ctx, s, d, f)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1s on the clock it was given", timerOf(d), func() string {
			return "Timeout(ctx, clk, 1s, f) should wait on clk, for exactly 1s from the moment it is called. " + harness.See("timeout")
		})
		s.clk.Advance(d)
		got := finish(ctx, s, c, func() string {
			return "1s passed on the clock and the work had not finished: Timeout should return ErrTimeout then. " + harness.See("timeout")
		})
		Expect(got.err).To(MatchError(future.ErrTimeout),
			"The time was up: Timeout should return an error matching future.ErrTimeout (wrap it with %%w if you add "+
				"words). %s%s", harness.See("timeout"), s.picture())
		Expect(got.err).NotTo(Or(MatchError(context.DeadlineExceeded), MatchError(context.Canceled)),
			"Timeout's error should not be a context's error: the caller must be able to tell \"this future took too "+
				"long\" from \"my own context ended\". %s", harness.See("timeout"))
	}, harness.Timeout)

	It("cancels the abandoned work when the time is up", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work", "future.Timeout")
		work := newJob(s, "work", 0, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })

		c := timeoutCall(ctx, s, d, f)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1s", timerOf(d), func() string { return harness.See("timeout") })
		s.clk.Advance(d)
		got := finish(ctx, s, c, func() string { return "The time was up at +1s. " + harness.See("timeout") })
		Expect(got.err).To(MatchError(future.ErrTimeout), "The time was up: Timeout should return ErrTimeout. %s", harness.See("timeout"))
		harness.Receive(ctx, work.stopped, "the abandoned work to be cancelled once Timeout gave up",
			"Nobody will read the result of a future Timeout gave up on: Timeout owns it, and should cancel it "+
				"(f.Cancel()), or its goroutine runs on, leaked. Dropping a future does that in Rust. "+harness.See("timeout")+s.picture())
	}, harness.Timeout)

	It("gives a future that is already done its result, even with no time at all", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		// A select with several ready cases picks one at random: 64 tries
		// catch a Timeout that leaves it to chance, but for one in 2^64.
		wrong := start("future.Timeout(ctx, clk, 0, future.Ready(i, nil)), 64 times", func() []int {
			var wrong []int
			for i := range 64 {
				v, err := future.Timeout(ctx, s.clk, 0, future.Ready(i, nil))
				if v != i || err != nil {
					wrong = append(wrong, i)
				}
			}
			return wrong
		})
		Expect(finish(ctx, s, wrong, func() string {
			return "Timeout of a future that is already done has nothing to wait for. " + harness.See("timeout")
		})).To(BeEmpty(),
			"future.Timeout(ctx, clk, 0, future.Ready(i, nil)) should give i and no error, every time: a future that "+
				"is already done wins, whatever d is (tokio's timeout promises the same). A select whose cases are "+
				"both ready picks one at random: check f.done on its own first. %s", harness.See("timeout"))

		work := newJob(s, "work", 0, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		got := finish(ctx, s, timeoutCall(ctx, s, 0, f), func() string {
			return "With no time at all and a future that is not done, Timeout should give up at once. " + harness.See("timeout")
		})
		Expect(got.err).To(MatchError(future.ErrTimeout),
			"With no time at all and a future still running, Timeout should return ErrTimeout at once. %s", harness.See("timeout"))
	}, harness.Timeout)

	It("gives up with the caller's context error when the caller's context ends first, and cancels the work", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work", "future.Timeout")
		work := newJob(s, "work", 0, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })

		callCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := timeoutCall(callCtx, s, time.Hour, f)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1h", timerOf(time.Hour), func() string { return harness.See("timeout") })
		cancel()
		got := finish(ctx, s, c, func() string {
			return "The spec cancelled the caller's context, and did not move the clock: Timeout should return " +
				"ctx.Err() at once. Wait on ctx.Done() too. " + harness.See("timeout")
		})
		Expect(got.err).To(MatchError(context.Canceled),
			"The caller's context was cancelled before the time was up: Timeout should return ctx.Err(), not "+
				"ErrTimeout. %s", harness.See("timeout"))
		harness.Receive(ctx, work.stopped, "the work to be cancelled once Timeout gave up",
			"Timeout owns the future: whichever way it gives up, it should cancel it (f.Cancel()). "+harness.See("timeout"))
	}, harness.Timeout)

	It("starts a lazy future, and times it from the call", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work (500ms)", "future.Timeout")
		work := newJob(s, "work (500ms)", 500*time.Millisecond, 42, nil)
		f := build(ctx, "future.Lazy(ctx, work)", func() *future.Future[int] { return future.Lazy(ctx, work.run) })

		c := timeoutCall(ctx, s, d, f)
		waitFor(ctx, s, c, "the lazy work's timer of 500ms and Timeout's timer of 1s, both armed at +0s",
			func(ps []clock.Pending) bool { return timerOf(500*time.Millisecond)(ps) && timerOf(d)(ps) }, func() string {
				return "Timeout(ctx, clk, 1s, f) was given a lazy future that nobody had awaited: it owns it now, and should " +
					"start it (f.begin()) before it waits, or the work never runs and every lazy future times out. " + harness.See("timeout")
			})
		s.clk.Advance(500 * time.Millisecond)
		got := finish(ctx, s, c, func() string {
			return "The lazy work finished at +500ms, before the time was up: Timeout should return its value then. " + harness.See("timeout")
		})
		Expect(got).To(Equal(outcome[int]{value: 42}),
			"The lazy work returned 42 at +500ms, within the second Timeout gave it. %s%s", harness.See("timeout"), s.picture())
	}, harness.Timeout)

	It("leaves no timer armed on the clock once it has returned, whichever way", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		s.tl.Rows("work (1s - 1ns)", "future.Timeout")
		work := newJob(s, "work (1s - 1ns)", d-time.Nanosecond, 42, nil)
		f := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, work.run) })
		s.expect(ctx, "the work's timer, of 1s - 1ns", timerOf(d-time.Nanosecond), "future.Go starts its work at once. "+harness.See("future"))
		c := timeoutCall(ctx, s, d, f)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1s on the clock it was given", timerOf(d), func() string { return harness.See("timeout") })
		s.clk.Advance(d - time.Nanosecond)
		got := finish(ctx, s, c, func() string { return "The work finished at +1s - 1ns. " + harness.See("timeout") })
		Expect(got).To(Equal(outcome[int]{value: 42}), "The work returned 42 before the time was up. %s", harness.See("timeout"))
		noTimerLeft(s, "Timeout returned the future's value at +1s - 1ns",
			"Once Timeout returns, its timer is of no use: stop it (defer timer.Stop()), or it stays armed until it "+
				"fires, for nothing, in every call that did not time out. "+harness.See("timeout"))

		gone := gate("work", 0, nil)
		g := build(ctx, "future.Go(ctx, work)", func() *future.Future[int] { return future.Go(ctx, gone.run) })
		callCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c = timeoutCall(callCtx, s, time.Hour, g)
		waitFor(ctx, s, c, "Timeout to arm a timer of 1h", func(ps []clock.Pending) bool {
			return len(ps) == 1 && ps[0].Duration == time.Hour
		}, func() string { return harness.See("timeout") })
		cancel()
		got = finish(ctx, s, c, func() string { return "The spec cancelled the caller's context. " + harness.See("timeout") })
		Expect(got.err).To(MatchError(context.Canceled), "The caller's context was cancelled: Timeout should return ctx.Err(). %s", harness.See("timeout"))
		noTimerLeft(s, "Timeout returned the caller's context error",
			"Whichever way Timeout returns, stop its timer: here an hour-long timer would stay armed, for nothing. "+harness.See("timeout"))
	}, harness.Timeout)
})
