package runtime_test

import (
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

var _ = Describe("shutdown", Label("shutdown"), func() {
	It("refuses new tasks with ErrClosed once shut down", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})

		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed(),
			"An idle executor should shut down at once, with a nil error. %s", harness.See("shutdown"))
		Expect(harness.Go("e.Spawn(ctx, task) after Shutdown", func() error { return e.Spawn(ctx, func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrClosed), "After Shutdown, Spawn should refuse with ErrClosed. %s", harness.See("shutdown"))
		Expect(harness.Go("e.TrySpawn(task) after Shutdown", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrClosed), "After Shutdown, TrySpawn should refuse with ErrClosed. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("lets the queued tasks finish before returning", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 3, Clock: clk})
		var mu sync.Mutex
		var done []int
		for i := range 3 {
			spawn(ctx, e, func(context.Context) {
				clk.Sleep(time.Second)
				mu.Lock()
				done = append(done, i)
				mu.Unlock()
			})
		}

		stop := shutdown(e, "10*time.Second", func() error { return e.Shutdown(10 * time.Second) })
		for i := range 3 {
			stop.WaitFor(ctx, "the lane to run queued task "+string(rune('1'+i))+" (it sleeps one second)", func(ctx context.Context) error {
				return clk.WaitForSleepers(ctx, 1)
			})
			clk.Advance(time.Second)
		}
		Expect(stop.Wait(ctx, clk)).To(Succeed(),
			"Every queued task finished within the deadline: Shutdown should return nil. %s", harness.See("shutdown"))
		mu.Lock()
		defer mu.Unlock()
		Expect(done).To(Equal([]int{0, 1, 2}), "Shutdown should let every queued task run. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("cancels the running tasks when the deadline passes, and returns only after every lane exited", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})

		cancelled := make(chan struct{}, 2)
		release := make(chan struct{})
		// finishedAt is written by the tasks as their very last step and
		// read by the spec without a lock once Shutdown has returned: that
		// is only safe (and only complete) if Shutdown waited for the lanes.
		var finished [2]bool
		for i := range 2 {
			spawn(ctx, e, func(taskCtx context.Context) {
				<-taskCtx.Done()
				cancelled <- struct{}{}
				<-release
				finished[i] = true
			})
		}

		stop := shutdown(e, "5*time.Second", func() error { return e.Shutdown(5 * time.Second) })
		stop.WaitFor(ctx, "Shutdown to arm its five-second deadline on the executor's clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, 5*time.Second)
		})
		clk.Advance(5*time.Second - time.Nanosecond)
		Expect(cancelled).NotTo(Receive(), "A task was cancelled before the shutdown deadline. %s", harness.See("shutdown"))
		clk.Advance(time.Nanosecond)
		for range 2 {
			harness.Receive(ctx, cancelled, "the running tasks' context to be cancelled at the deadline",
				"Shutdown should cancel the context the tasks received (e.cancel()) when the deadline passes. "+harness.See("shutdown"))
		}
		close(release)

		Expect(stop.Wait(ctx, clk)).To(MatchError(executor.ErrShutdownTimeout),
			"Shutdown had to cancel running tasks: it should say so with ErrShutdownTimeout. %s", harness.See("shutdown"))
		Expect(finished).To(Equal([2]bool{true, true}),
			"Shutdown returned while tasks were still running: it must wait until every lane has exited, "+
				"even after cancelling. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("a second Shutdown is harmless: it returns ErrClosed", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})

		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(MatchError(executor.ErrClosed),
			"A second Shutdown must not close a channel twice (that panics): it should return ErrClosed. %s", harness.See("shutdown"))
	}, harness.Timeout)
})
