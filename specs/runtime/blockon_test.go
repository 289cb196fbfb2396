package runtime_test

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

var _ = Describe("block-on", Label("block-on"), func() {
	It("returns the task's value, or its error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: harness.NewClock()})

		type outcome struct {
			value int
			err   error
		}
		got := harness.Go("executor.BlockOn(ctx, e, f) with f returning 42", func() outcome {
			v, err := executor.BlockOn(ctx, e, func(context.Context) (int, error) { return 42, nil })
			return outcome{v, err}
		}).Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "BlockOn returned an error though f succeeded. %s", harness.See("block-on"))
		Expect(got.value).To(Equal(42), "BlockOn should return the value f returned. %s", harness.See("block-on"))

		broken := errors.New("no more fuel")
		err := harness.Go("executor.BlockOn(ctx, e, f) with f failing", func() error {
			_, err := executor.BlockOn(ctx, e, func(context.Context) (string, error) { return "", broken })
			return err
		}).Wait(ctx)
		Expect(err).To(MatchError(broken), "BlockOn should return the error f returned. %s", harness.See("block-on"))
	}, harness.Timeout)

	It("runs f as a task of the executor: f's context ends when the executor cancels its tasks", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})

		started := make(chan struct{})
		blockOn := harness.Go("executor.BlockOn(ctx, e, f)", func() error {
			_, err := executor.BlockOn(ctx, e, func(taskCtx context.Context) (struct{}, error) {
				close(started)
				<-taskCtx.Done()
				return struct{}{}, taskCtx.Err()
			})
			return err
		})
		blockOn.WaitFor(ctx, "f to start", func(ctx context.Context) error {
			select {
			case <-started:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})

		stop := shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) })
		stop.WaitFor(ctx, "Shutdown to arm its one-second deadline", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		clk.Advance(time.Second)

		Expect(blockOn.Wait(ctx, clk)).To(MatchError(context.Canceled),
			"The executor's shutdown deadline passed, which cancels the context of every task it runs. f waited on "+
				"its context, so BlockOn should have returned f's context.Canceled. If f was called directly "+
				"instead of spawned as a task, its context was the caller's, which nobody cancelled. %s", harness.See("block-on"))
		Expect(stop.Wait(ctx, clk)).To(MatchError(executor.ErrShutdownTimeout))
	}, harness.Timeout)

	It("reports a panicking f as ErrTaskPanicked, and the executor keeps working", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock(), OnPanic: func(*executor.PanicError) {}})

		err := harness.Go("executor.BlockOn(ctx, e, f) with f panicking", func() error {
			_, err := executor.BlockOn(ctx, e, func(context.Context) (int, error) {
				panic("f panicked on purpose (spec: block-on)")
			})
			return err
		}).Wait(ctx)
		Expect(err).To(MatchError(executor.ErrTaskPanicked),
			"f panicked: BlockOn should return an error matching ErrTaskPanicked rather than wait forever for a "+
				"result that will never come. A deferred function runs even while a panic unwinds. %s", harness.See("block-on"))

		value := harness.Go("executor.BlockOn(ctx, e, f) after a panic", func() int {
			v, _ := executor.BlockOn(ctx, e, func(context.Context) (int, error) { return 7, nil })
			return v
		}).Wait(ctx)
		Expect(value).To(Equal(7), "After a panicking f, the executor should still run tasks.")
	}, harness.Timeout)

	It("returns as soon as the caller's context ends, and cancels f", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock()})

		callerCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		started := make(chan struct{})
		fCancelled := make(chan struct{})
		blockOn := harness.Go("executor.BlockOn(ctx, e, f)", func() error {
			_, err := executor.BlockOn(callerCtx, e, func(taskCtx context.Context) (int, error) {
				close(started)
				<-taskCtx.Done()
				close(fCancelled)
				return 0, taskCtx.Err()
			})
			return err
		})
		harness.Receive(ctx, started, "f to start", "")
		cancel()

		Expect(blockOn.Wait(ctx)).To(MatchError(context.Canceled),
			"The spec cancelled the caller's context while f ran: BlockOn should return ctx.Err() at once. %s", harness.See("block-on"))
		harness.Receive(ctx, fCancelled, "f's context to be cancelled after the caller gave up",
			"Nobody waits for f's result any more: derive f's context from the task's and cancel it when the "+
				"caller's context ends (context.AfterFunc does this). "+harness.See("block-on"))
	}, harness.Timeout)

	It("gives up with ctx.Err() when the caller's context ends while it waits for room in the queue, and f never runs", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		ran := make(chan int, 1)
		holder := fill(ctx, e, 1, ran)

		callerCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		var fRan atomic.Bool
		blockOn := harness.Go("executor.BlockOn(ctx, e, f) on a full queue", func() error {
			_, err := executor.BlockOn(callerCtx, e, func(context.Context) (int, error) {
				fRan.Store(true)
				return 1, nil
			})
			return err
		})
		blockOn.WaitFor(ctx, "BlockOn to wait for room in the full queue", blockedIn(1, "BlockOn"))
		cancel()
		Expect(blockOn.Wait(ctx, clk)).To(MatchError(context.Canceled),
			"The queue was full and the spec cancelled the caller's context while BlockOn waited to spawn f: BlockOn "+
				"should return ctx.Err() at once. Spawn with the caller's context, so that waiting for room ends with it too. %s",
			harness.See("block-on"))

		close(holder.released)
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(fRan.Load()).To(BeFalse(),
			"BlockOn returned context.Canceled, yet f ran later: a task that could not be queued in time must not be queued at all. %s",
			harness.See("block-on"))
	}, harness.Timeout)

	It("returns at once when the caller's context ends, even while f ignores its own", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock()})
		callerCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		started := make(chan struct{})
		release := make(chan struct{})
		blockOn := harness.Go("executor.BlockOn(ctx, e, f) with f ignoring its context", func() error {
			_, err := executor.BlockOn(callerCtx, e, func(context.Context) (int, error) {
				close(started)
				<-release // f does not look at its context
				return 1, nil
			})
			return err
		})
		defer close(release)
		harness.Receive(ctx, started, "f to start", "")
		cancel()
		Expect(blockOn.Wait(ctx)).To(MatchError(context.Canceled),
			"The caller's context ended while f ran, and f does not watch its own: BlockOn should still return ctx.Err() "+
				"at once, by waiting in a select on the result and on ctx.Done(). Cancelling f is a request, and f may not "+
				"listen. %s", harness.See("block-on"))
	}, harness.Timeout)

	It("returns ErrClosed on an executor that was shut down, and f never runs", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		var fRan atomic.Bool
		err := harness.Go("executor.BlockOn(ctx, e, f) after Shutdown", func() error {
			_, err := executor.BlockOn(ctx, e, func(context.Context) (int, error) {
				fRan.Store(true)
				return 1, nil
			})
			return err
		}).Wait(ctx)
		Expect(err).To(MatchError(executor.ErrClosed),
			"The executor was shut down: Spawn refuses the task, and BlockOn should return Spawn's error at once "+
				"rather than wait for a result that will never come. %s", harness.See("block-on"))
		Expect(fRan.Load()).To(BeFalse(), "f ran on an executor that was shut down.")
	}, harness.Timeout)

})
