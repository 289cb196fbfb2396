package runtime_test

import (
	"context"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

var _ = Describe("hello", Label("hello"), func() {
	It("writes Avant, waits one second on the clock, then writes Après", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		call := harness.Go("executor.Hello(ctx, clk, &out)", func() error {
			return executor.Hello(ctx, clk, &out)
		})

		call.WaitFor(ctx, "Hello to arm a one-second timer on the fake clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		Expect(out.String()).To(Equal("Avant\n"),
			"While Hello waits for its second, only \"Avant\" and a newline should be written. %s", harness.See("hello"))

		clk.Advance(time.Second)
		Expect(call.Wait(ctx, clk)).To(Succeed(), "Hello returned an error after a clean one-second wait.")
		Expect(out.String()).To(Equal("Avant\nAprès\n"),
			"After the clock moved one second, Hello should have written \"Après\" and a newline after \"Avant\". %s", harness.See("hello"))
	}, harness.Timeout)

	It("waits on the clock it was given, never on package time", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		call := harness.Go("executor.Hello(ctx, clk, &out)", func() error {
			return executor.Hello(ctx, clk, &out)
		})

		call.WaitFor(ctx, "Hello to arm a one-second timer on the clock it was given "+
			"(time.Sleep and time.After wait on the real clock, which the spec cannot move)",
			func(ctx context.Context) error { return clk.WaitForTimer(ctx, time.Second) })
		pending := clk.Pending()
		Expect(pending).To(HaveLen(1), "Hello should wait on exactly one timer, of one second. The clock says:\n%s", clk)
		Expect(pending[0].Deadline).To(Equal(clock.Epoch.Add(time.Second)),
			"Hello's timer should fire one second after the start. The clock says:\n%s", clk)

		clk.Advance(time.Second)
		Expect(call.Wait(ctx, clk)).To(Succeed())
	}, harness.Timeout)

	It("returns the context's error at once when cancelled mid-sleep, and writes nothing more", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		helloCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		call := harness.Go("executor.Hello(ctx, clk, &out)", func() error {
			return executor.Hello(helloCtx, clk, &out)
		})

		call.WaitFor(ctx, "Hello to arm a one-second timer on the fake clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		cancel()
		// The clock does not move: a Hello that only watches its timer
		// stays blocked, and the spec's budget runs out.
		err := call.Wait(ctx, clk)
		Expect(err).To(MatchError(context.Canceled),
			"The spec cancelled Hello's context while it waited, without moving the clock. Hello should return ctx.Err() "+
				"at once: wait with a select on the timer's channel and ctx.Done(). %s", harness.See("hello"))
		Expect(out.String()).To(Equal("Avant\n"), "A cancelled Hello must not write \"Après\".")
	}, harness.Timeout)

	It("returns the writer's error instead of carrying on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		broken := errors.New("disk full")
		call := harness.Go("executor.Hello(ctx, clk, failingWriter)", func() error {
			return executor.Hello(ctx, clk, failingWriter{broken})
		})
		err := call.Wait(ctx, clk)
		Expect(err).To(MatchError(broken),
			"Writing \"Avant\" failed; Hello should stop there and return that error, not wait or write again. %s", harness.See("hello"))
		Expect(clk.Pending()).To(BeEmpty(), "Hello armed a timer after its first write failed. The clock says:\n%s", clk)
	}, harness.Timeout)

	It("stops its timer when cancelled: nothing is left armed on the clock", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		helloCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		call := harness.Go("executor.Hello(ctx, clk, &out)", func() error {
			return executor.Hello(helloCtx, clk, &out)
		})
		call.WaitFor(ctx, "Hello to arm a one-second timer on the fake clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		cancel()
		Expect(call.Wait(ctx, clk)).To(MatchError(context.Canceled), "Hello should return ctx.Err() when cancelled mid-wait. %s", harness.See("hello"))
		Expect(clk.Pending()).To(BeEmpty(),
			"Hello returned, cancelled, but its one-second timer is still armed on the clock. A timer nobody will read "+
				"must be stopped (defer timer.Stop() right after creating it), or it stays armed until it fires. The clock says:\n%s %s",
			clk, harness.See("hello"))
	}, harness.Timeout)

	It("returns the error of the second write too", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		broken := errors.New("pipe closed")
		w := &failingSecond{err: broken}
		call := harness.Go("executor.Hello(ctx, clk, w) with a writer whose second write fails", func() error {
			return executor.Hello(ctx, clk, w)
		})
		call.WaitFor(ctx, "Hello to arm a one-second timer after writing Avant", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		clk.Advance(time.Second)
		Expect(call.Wait(ctx, clk)).To(MatchError(broken),
			"Writing \"Avant\" worked, writing \"Après\" failed: Hello should return that second error, not nil. "+
				"Every write can fail, the last one too. %s", harness.See("hello"))
	}, harness.Timeout)
})

// failingSecond is a writer whose first write works and every later one
// fails with err.
type failingSecond struct {
	mu     sync.Mutex
	writes int
	err    error
}

func (w *failingSecond) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	if w.writes > 1 {
		return 0, w.err
	}
	return len(p), nil
}

// failingWriter is a writer whose every write fails.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
