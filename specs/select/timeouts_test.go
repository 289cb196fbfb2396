package select_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// recvResult is what Recv returned.
type recvResult struct {
	value int
	err   error
}

// callRecv starts choose.Recv(ctx, clk, d, ch) on a goroutine of the spec's.
func callRecv(ctx context.Context, clk clock.Clock, d time.Duration, ch chan int) *harness.Call[recvResult] {
	return harness.Go("choose.Recv(ctx, clk, "+d.String()+", ch)", func() recvResult {
		v, err := choose.Recv(ctx, clk, d, ch)
		return recvResult{v, err}
	})
}

// timerFor waits, while call c runs, until a timer of d is pending on clk.
func timerFor[T any](ctx context.Context, c *harness.Call[T], clk *clock.Fake, d time.Duration, what string) {
	GinkgoHelper()
	c.WaitFor(ctx, what+" to arm a timer of "+d.String()+" on the clock it was given", func(ctx context.Context) error {
		return clk.WaitForTimer(ctx, d)
	})
}

// tickerFor waits, while call c runs, until a ticker of period is pending on
// clk.
func tickerFor[T any](ctx context.Context, c *harness.Call[T], clk *clock.Fake, period time.Duration) {
	GinkgoHelper()
	fact := "Watch to start a ticker of " + period.String() + " on the clock it was given (clk.NewTicker)"
	c.WaitFor(ctx, fact, func(ctx context.Context) error {
		return clk.WaitUntil(ctx, fact, func(ps []clock.Pending) bool {
			for _, p := range ps {
				if p.Kind == clock.KindTicker && p.Period == period {
					return true
				}
			}
			return false
		})
	})
}

// timerDue waits until a timer due at the given instant is pending on clk.
func timerDue(ctx context.Context, clk *clock.Fake, due time.Time, explain string) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.5)
	defer cancel()
	what := fmt.Sprintf("a timer due at +%v", due.Sub(clock.Epoch))
	if err := clk.WaitUntil(waitCtx, what, func(ps []clock.Pending) bool {
		for _, p := range ps {
			if p.Deadline.Equal(due) {
				return true
			}
		}
		return false
	}); err != nil {
		Fail(fmt.Sprintf("The spec waited for %s. It did not come. %s\n\n%v", what, explain, err))
	}
}

// nothingOn checks that nothing was sent on out, once the code has settled.
func nothingOn(ctx context.Context, clk *clock.Fake, out <-chan int, explain string) {
	GinkgoHelper()
	settle(ctx, explain)
	select {
	case v, ok := <-out:
		if !ok {
			Fail(fmt.Sprintf("At +%v, Debounce's channel was closed, though its input was open and its context alive. %s",
				clk.Since(clock.Epoch), explain))
		}
		Fail(fmt.Sprintf("At +%v, Debounce sent %d. %s", clk.Since(clock.Epoch), v, explain))
	default:
	}
}

// callDebounce calls choose.Debounce on a goroutine of the spec's and
// returns its channel.
func callDebounce(ctx context.Context, clk clock.Clock, quiet time.Duration, in chan int) <-chan int {
	GinkgoHelper()
	what := "choose.Debounce(ctx, clk, " + quiet.String() + ", in)"
	out := harness.Go(what, func() <-chan int { return choose.Debounce(ctx, clk, quiet, in) }).Wait(ctx)
	Expect(out).NotTo(BeNil(), "%s returned a nil channel. %s", what, harness.See("timeouts"))
	return out
}

var _ = Describe("timeouts", Label("timeouts"), func() {
	const d = time.Hour

	It("Recv returns a value that comes before the time is up, even 1ns before", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		ch := make(chan int)
		c := callRecv(ctx, clk, d, ch)

		timerFor(ctx, c, clk, d, "Recv")
		clk.Advance(d - time.Nanosecond)
		if !sendTo(ctx, c, ch, 42, "42, 1ns before the time was up", harness.See("timeouts")) {
			got := c.Wait(ctx)
			Fail(fmt.Sprintf("At 1h - 1ns of a 1h timeout, Recv had returned (%d, %v): the time was not up yet. %s", got.value, got.err, harness.See("timeouts")))
		}
		got := c.Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "42 came 1ns before the time was up: Recv should return it, not an error. %s", harness.See("timeouts"))
		Expect(got.value).To(Equal(42), "The spec sent 42: Recv should return 42. %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Recv gives up with ErrTimeout exactly when the time is up, on the clock it was given", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		c := callRecv(ctx, clk, d, make(chan int))

		timerFor(ctx, c, clk, d, "Recv")
		clk.Advance(d - time.Nanosecond)
		settle(ctx, harness.See("timeouts"))
		if c.Returned() {
			got := c.Wait(ctx)
			Fail(fmt.Sprintf("At 1h - 1ns of a 1h timeout, Recv had returned (%d, %v): the time was not up yet. %s", got.value, got.err, harness.See("timeouts")))
		}
		clk.Advance(time.Nanosecond)
		got := c.Wait(ctx, clk)
		Expect(got.err).To(MatchError(choose.ErrTimeout), "1h passed on the clock and no value came: Recv should return "+
			"an error matching ErrTimeout. It returned (%d, %v). %s", got.value, got.err, harness.See("timeouts"))
		Expect(errors.Is(got.err, context.DeadlineExceeded) || errors.Is(got.err, context.Canceled)).To(BeFalse(),
			"Recv's timeout is not a context's error: the caller must tell \"no value in time\" from \"my context ended\". %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Recv returns ErrClosed for a closed channel, and the context's error when the context ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		closed := make(chan int)
		close(closed)
		got := callRecv(ctx, clk, d, closed).Wait(ctx)
		Expect(got.err).To(MatchError(choose.ErrClosed), "The channel was closed: no value can come, and Recv should "+
			"say so with an error matching ErrClosed, not return the zero value. It returned (%d, %v). %s", got.value, got.err, harness.See("timeouts"))

		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := callRecv(rctx, clk, d, make(chan int))
		timerFor(ctx, c, clk, d, "Recv")
		cancel()
		got = c.Wait(ctx, clk)
		Expect(got.err).To(MatchError(context.Canceled), "The spec cancelled Recv's context: Recv should return ctx.Err(), "+
			"context.Canceled, at once. It returned (%d, %v). %s", got.value, got.err, harness.See("timeouts"))
	}, harness.Timeout)

	It("Watch reports, at every tick, how many beats in a row were missed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		reports := make(chan int, 16)
		c := harness.Go("choose.Watch(ctx, clk, 1s, beats, report)", func() error {
			return choose.Watch(wctx, clk, time.Second, make(chan struct{}), func(missed int) { reports <- missed })
		})

		tickerFor(ctx, c, clk, time.Second)
		for want := 1; want <= 3; want++ {
			clk.Advance(time.Second)
			got := harness.Receive(ctx, reports, fmt.Sprintf("Watch's report at the tick of +%ds", want),
				"At every tick, Watch should call report with the number of periods in a row without a beat. "+harness.See("timeouts"))
			Expect(got).To(Equal(want), "No beat ever came: at the tick of +%ds, Watch should report %s in a row. It reported %d. %s",
				want, missedBeats(want), got, harness.See("timeouts"))
		}
		cancel()
		Expect(c.Wait(ctx, clk)).To(MatchError(context.Canceled), "The spec cancelled Watch's context: Watch should return ctx.Err(). %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Watch starts counting again after a beat", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		beats := make(chan struct{})
		reports := make(chan int, 16)
		c := harness.Go("choose.Watch(ctx, clk, 1s, beats, report)", func() error {
			return choose.Watch(ctx, clk, time.Second, beats, func(missed int) { reports <- missed })
		})
		tick := func(want int, story string) {
			GinkgoHelper()
			clk.Advance(time.Second)
			got := harness.Receive(ctx, reports, "Watch's report at the tick of +"+clk.Since(clock.Epoch).String(), harness.See("timeouts"))
			Expect(got).To(Equal(want), "%s: at the tick of +%v, Watch should report %d. It reported %d. %s",
				story, clk.Since(clock.Epoch), want, got, harness.See("timeouts"))
		}
		beat := func() {
			GinkgoHelper()
			if !sendTo(ctx, c, beats, struct{}{}, "a beat", "Watch should be receiving beats. "+harness.See("timeouts")) {
				Fail(fmt.Sprintf("Watch returned %v while beats was open and its context alive. %s", c.Wait(ctx), harness.See("timeouts")))
			}
		}

		tickerFor(ctx, c, clk, time.Second)
		tick(1, "No beat in the first second")
		tick(2, "No beat in the second second either")
		beat()
		tick(0, "A beat came in the third second")
		tick(1, "No beat in the fourth second: the count starts again from the last beat")
		beat()
		beat()
		tick(0, "Two beats in the fifth second")
		close(beats)
		Expect(c.Wait(ctx, clk)).To(Succeed(), "The spec closed beats: Watch should return nil. %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Watch stops its ticker when it returns, either way", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := harness.Go("choose.Watch(ctx, clk, 1s, beats, report)", func() error {
			return choose.Watch(wctx, clk, time.Second, make(chan struct{}), func(int) {})
		})
		tickerFor(ctx, c, clk, time.Second)
		cancel()
		Expect(c.Wait(ctx, clk)).To(MatchError(context.Canceled), "The spec cancelled Watch's context: Watch should return ctx.Err(). %s", harness.See("timeouts"))
		Expect(clk.Pending()).To(BeEmpty(), "Watch returned when its context ended, but left its ticker running:\n\n%v\n\n"+
			"Stop what you start: defer ticker.Stop() right after NewTicker. (Go 1.23 collects a forgotten ticker of "+
			"package time once nothing refers to it; a ticker of any other clock, a fake or a wrapper, may tick on "+
			"for good.) %s", clk, harness.See("timeouts"))

		beats := make(chan struct{})
		c = harness.Go("choose.Watch(ctx, clk, 1s, beats, report)", func() error {
			return choose.Watch(ctx, clk, time.Second, beats, func(int) {})
		})
		tickerFor(ctx, c, clk, time.Second)
		close(beats)
		Expect(c.Wait(ctx, clk)).To(Succeed(), "The spec closed beats: Watch should return nil. %s", harness.See("timeouts"))
		Expect(clk.Pending()).To(BeEmpty(), "Watch returned when beats was closed, but left its ticker running:\n\n%v\n\n%s", clk, harness.See("timeouts"))
	}, harness.Timeout)

	It("Debounce sends only the last value of a burst, once no new value has come for the quiet period", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const quiet = 100 * time.Millisecond
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		in := make(chan int)
		out := callDebounce(ctx, clk, quiet, in)
		at := func(d time.Duration) time.Time { return clock.Epoch.Add(d) }

		send(ctx, in, 1, "1 to Debounce", "Debounce should be receiving from its input. "+harness.See("timeouts"))
		nothingOn(ctx, clk, out, "A value just came: Debounce should wait for 100ms without a new one before it sends anything. "+harness.See("timeouts"))
		timerDue(ctx, clk, at(quiet), "When a value comes, Debounce should arm a timer of the quiet period on the clock it was given. "+harness.See("timeouts"))

		clk.Advance(60 * time.Millisecond)
		send(ctx, in, 2, "2 to Debounce, at +60ms", harness.See("timeouts"))
		nothingOn(ctx, clk, out, "2 came at +60ms, only 60ms after 1: the burst goes on, and nothing should be sent yet. "+harness.See("timeouts"))
		timerDue(ctx, clk, at(160*time.Millisecond), "2 came at +60ms: each new value starts the quiet period again, "+
			"so the timer should now be due at +160ms (timer.Reset(quiet)). "+harness.See("timeouts"))

		clk.Advance(60 * time.Millisecond)
		send(ctx, in, 3, "3 to Debounce, at +120ms", harness.See("timeouts"))
		nothingOn(ctx, clk, out, "At +120ms the burst 1, 2, 3 goes on, each value 60ms after the previous one: nothing "+
			"should be sent yet. "+harness.See("timeouts"))
		timerDue(ctx, clk, at(220*time.Millisecond), "3 came at +120ms: the timer should now be due at +220ms. "+harness.See("timeouts"))

		clk.Advance(99 * time.Millisecond)
		nothingOn(ctx, clk, out, "At +219ms, the last value came 99ms ago: the quiet period is not over. "+harness.See("timeouts"))
		clk.Advance(time.Millisecond)
		v, ok := receive(ctx, out, "Debounce to send the burst's last value at +220ms",
			"The last value came at +120ms and nothing came for 100ms since: Debounce should send it now. "+harness.See("timeouts"))
		Expect(ok).To(BeTrue(), "Debounce's channel was closed at +220ms, though its input was open. %s", harness.See("timeouts"))
		Expect(v).To(Equal(3), "The burst was 1, 2, 3: Debounce should send 3, the last value, and only that. %s", harness.See("timeouts"))
		nothingOn(ctx, clk, out, "3 was sent: nothing waits any more, and nothing more should be sent. "+harness.See("timeouts"))

		close(in)
		_, ok = receive(ctx, out, "Debounce's channel to be closed once its input was", harness.See("timeouts"))
		Expect(ok).To(BeFalse(), "Nothing was waiting when the spec closed the input: Debounce should just close its channel. %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Debounce sends a value still waiting when its input closes, then closes its channel", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const quiet = 100 * time.Millisecond
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		in := make(chan int)
		out := callDebounce(ctx, clk, quiet, in)

		send(ctx, in, 7, "7 to Debounce", harness.See("timeouts"))
		timerDue(ctx, clk, clock.Epoch.Add(quiet), "When a value comes, Debounce should arm a timer of the quiet period on the clock it was given. "+harness.See("timeouts"))
		close(in)
		v, ok := receive(ctx, out, "Debounce to send 7 once its input closed",
			"Nothing more can come once the input is closed: the quiet period cannot be broken, so the waiting "+
				"value should go out at once, without the clock moving. "+harness.See("timeouts"))
		Expect(ok).To(BeTrue(), "Debounce closed its channel and dropped 7, the value still waiting when its input closed. %s", harness.See("timeouts"))
		Expect(v).To(Equal(7), "7 was waiting when the input closed: Debounce should send 7. %s", harness.See("timeouts"))
		_, ok = receive(ctx, out, "Debounce's channel to be closed after the last value", harness.See("timeouts"))
		Expect(ok).To(BeFalse(), "The input was closed and its last value sent: Debounce should close its channel. %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("Debounce drops what waits, stops its timer and closes its channel when the context ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const quiet = 100 * time.Millisecond
		clk := harness.NewClock() // checked when the spec ends: no timer of yours left armed
		in := make(chan int)
		dctx, cancel := context.WithCancel(ctx)
		defer cancel()
		out := callDebounce(dctx, clk, quiet, in)

		send(ctx, in, 7, "7 to Debounce", harness.See("timeouts"))
		timerDue(ctx, clk, clock.Epoch.Add(quiet), "When a value comes, Debounce should arm a timer of the quiet period on the clock it was given. "+harness.See("timeouts"))
		cancel()
		v, ok := receive(ctx, out, "Debounce's channel to be closed once its context ended",
			"When the context ends, Debounce should stop, and close its channel so that its reader stops too. "+harness.See("timeouts"))
		Expect(ok).To(BeFalse(), "Debounce sent %d after its context had ended: it should drop what waits. %s", v, harness.See("timeouts"))
		settle(ctx, harness.See("timeouts"))
		Expect(clk.Pending()).To(BeEmpty(), "Debounce stopped, but left its timer armed:\n\n%v\n\nStop it on the way out (defer). %s", clk, harness.See("timeouts"))
	}, harness.Timeout)

	It("Recv leaves no timer armed once it has returned, whichever way", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock() // checked when the spec ends too
		ways := []struct {
			what string
			act  func(ch chan int, cancel context.CancelFunc)
			want func(recvResult)
		}{
			{"a value came", func(ch chan int, _ context.CancelFunc) { ch <- 4 }, func(r recvResult) { Expect(r).To(Equal(recvResult{4, nil})) }},
			{"ch was closed", func(ch chan int, _ context.CancelFunc) { close(ch) }, func(r recvResult) { Expect(r.err).To(MatchError(choose.ErrClosed)) }},
			{"the context was cancelled", func(_ chan int, cancel context.CancelFunc) { cancel() }, func(r recvResult) { Expect(r.err).To(MatchError(context.Canceled)) }},
		}
		for _, way := range ways {
			ch := make(chan int)
			rctx, cancel := context.WithCancel(ctx)
			c := callRecv(rctx, clk, time.Hour, ch)
			timerFor(ctx, c, clk, time.Hour, "Recv")
			way.act(ch, cancel)
			way.want(c.Wait(ctx, clk))
			cancel()
			Expect(clk.Pending()).To(BeEmpty(), "Recv returned because %s, but left its one-hour timer armed:\n\n%v\n\n"+
				"Stop the timer whichever case wins (defer timer.Stop() right after NewTimer): otherwise every Recv "+
				"that did not time out leaves one behind. %s", way.what, clk, harness.See("timeouts"))
		}
	}, harness.Timeout)

	It("Debounce drops a value nobody has read yet when the context ends: it does not wait for a reader", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const quiet = 100 * time.Millisecond
		clk := harness.NewClock()
		in := make(chan int)
		dctx, cancel := context.WithCancel(ctx)
		defer cancel()
		out := callDebounce(dctx, clk, quiet, in)
		send(ctx, in, 7, "7 to Debounce", harness.See("timeouts"))
		timerDue(ctx, clk, clock.Epoch.Add(quiet), "When a value comes, Debounce should arm a timer of the quiet period on the clock it was given. "+harness.See("timeouts"))
		clk.Advance(quiet)
		settle(ctx, "The quiet period was over: Debounce should be offering 7 on its channel, which nobody read. "+harness.See("timeouts"))
		cancel()
		settle(ctx, "The spec cancelled Debounce's context while it offered 7 to nobody. "+harness.See("timeouts"))
		v, ok := receive(ctx, out, "Debounce's channel to be closed once its context ended",
			"When the context ends, Debounce should stop and close its channel. "+harness.See("timeouts"))
		Expect(ok).To(BeFalse(), "Debounce was offering %d to nobody when its context ended, and it was still offering it "+
			"afterwards: the spec, reading then, got it. A send to a reader that never comes blocks forever unless "+
			"it sits in a select with ctx.Done(). %s", v, harness.See("timeouts"))
	}, harness.Timeout)
})

// missedBeats says n missed beats in words, singular or plural.
func missedBeats(n int) string {
	if n == 1 {
		return "1 missed beat"
	}
	return fmt.Sprintf("%d missed beats", n)
}
