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

var _ = Describe("lanes", Label("lanes"), func() {
	It("starts exactly Lanes worker goroutines", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		start(ctx, executor.Config{Lanes: 3, Queue: 4, Clock: clk})

		Expect(harness.GoroutinesStartedBy(learnerPackage)).To(HaveLen(3),
			"New(Config{Lanes: 3}) should start three lanes: three goroutines, started by New, that take tasks "+
				"from the queue. These goroutines are running now:\n%s %s", harness.ListGoroutinesStartedBy(learnerPackage), harness.See("lanes"))
	}, harness.Timeout)

	It("runs at most Lanes tasks at once, on the lanes and not on a goroutine per task", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 3, Queue: 9, Clock: clk})

		// Nine tasks that each take one second of virtual time: three lanes
		// run them in three rounds.
		var mu sync.Mutex
		var startedAt []time.Duration
		finished := make(chan struct{}, 9)
		for range 9 {
			spawn(ctx, e, func(context.Context) {
				mu.Lock()
				startedAt = append(startedAt, clk.Since(clock.Epoch))
				mu.Unlock()
				clk.Sleep(time.Second)
				finished <- struct{}{}
			})
		}
		Expect(harness.GoroutinesStartedBy(learnerPackage)).To(HaveLen(3),
			"With 3 lanes and 9 tasks spawned, the executor should still have exactly 3 goroutines: a lane "+
				"takes the next task only when its current one is done. These goroutines are running now:\n%s %s",
			harness.ListGoroutinesStartedBy(learnerPackage), harness.See("lanes"))

		for round := range 3 {
			Expect(clk.WaitForSleepers(ctx, 3)).To(Succeed(),
				"Round %d: three lanes should be running three tasks, each sleeping one second. %s", round+1, harness.See("lanes"))
			clk.Advance(time.Second)
			for range 3 {
				harness.Receive(ctx, finished, "a task to finish its one-second sleep", "")
			}
		}
		mu.Lock()
		defer mu.Unlock()
		Expect(startedAt).To(Equal([]time.Duration{0, 0, 0, time.Second, time.Second, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}),
			"Each task recorded the virtual time it started at: three at a time, one second apart, is what three lanes give. %s", harness.See("lanes"))
	}, harness.Timeout)

	It("with one lane, runs tasks one at a time in the order they were spawned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 10, Clock: harness.NewClock()})

		var mu sync.Mutex
		var order []int
		finished := make(chan struct{}, 10)
		for i := range 10 {
			spawn(ctx, e, func(context.Context) {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				finished <- struct{}{}
			})
		}
		for range 10 {
			harness.Receive(ctx, finished, "every spawned task to run", harness.See("lanes"))
		}
		mu.Lock()
		defer mu.Unlock()
		Expect(order).To(Equal([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
			"With one lane (the current-thread flavour), tasks run in the order they were spawned. %s", harness.See("lanes"))
	}, harness.Timeout)

	It("refuses a config without lanes or with a negative queue", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, cfg := range []executor.Config{{Lanes: 0, Queue: 1}, {Lanes: -2, Queue: 1}, {Lanes: 2, Queue: -1}} {
			type built struct {
				e   *executor.Executor
				err error
			}
			got := harness.Go("executor.New(an invalid Config)", func() built {
				e, err := executor.New(cfg)
				return built{e, err}
			}).Wait(ctx)
			if got.e != nil && got.err == nil {
				_ = got.e.Shutdown(0)
			}
			Expect(got.err).To(MatchError(executor.ErrInvalidConfig),
				"New(Config{Lanes: %d, Queue: %d}) should fail with an error matching ErrInvalidConfig (wrap it with %%w). %s",
				cfg.Lanes, cfg.Queue, harness.See("lanes"))
			Expect(got.e).To(BeNil(), "New should return a nil executor with its error.")
		}
	}, harness.Timeout)
})
