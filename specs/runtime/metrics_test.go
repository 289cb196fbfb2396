package runtime_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

func metrics(ctx context.Context, e *executor.Executor) executor.Metrics {
	GinkgoHelper()
	return harness.Go("e.Metrics()", e.Metrics).Wait(ctx)
}

var _ = Describe("metrics", Label("metrics"), func() {
	It("counts spawned, completed and panicked tasks", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 8, Clock: clk, OnPanic: func(*executor.PanicError) {}})
		for range 5 {
			spawn(ctx, e, func(context.Context) {})
		}
		for range 2 {
			spawn(ctx, e, panicking)
		}
		Expect(harness.Go("e.TrySpawn(task)", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).To(Succeed())
		// Once Shutdown has returned, every lane has exited and the counts
		// are final.
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())

		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 8, Completed: 6, Panicked: 2}),
			"The spec spawned 8 tasks (7 with Spawn, 1 with TrySpawn), 2 of which panicked, then shut down. %s", harness.See("metrics"))
	}, harness.Timeout)

	It("reports the tasks running and queued right now", func(ctx SpecContext) {
		e := start(ctx, executor.Config{Lanes: 1, Queue: 3, Clock: clock.NewFake()})
		b := occupy(ctx, e)
		defer close(b.released)
		spawn(ctx, e, func(context.Context) {})
		spawn(ctx, e, func(context.Context) {})

		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 3, Running: 1, Queued: 2}),
			"One task holds the only lane and two wait in the queue. %s", harness.See("metrics"))
	}, harness.Timeout)

	It("can be read while the lanes are busy, without a data race", func(ctx SpecContext) {
		clk := clock.NewFake()
		e := start(ctx, executor.Config{Lanes: 4, Queue: 200, Clock: clk})
		for range 200 {
			spawn(ctx, e, func(context.Context) {})
		}
		last := 0
		for range 50 {
			m := metrics(ctx, e)
			Expect(m.Completed).To(BeNumerically(">=", last), "Completed went backwards between two snapshots.")
			Expect(m.Spawned).To(Equal(200))
			last = m.Completed
		}
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(metrics(ctx, e).Completed).To(Equal(200),
			"Every task completed; the snapshot should count them all. Run the specs with -race: a snapshot "+
				"read without the lock is a data race. %s", harness.See("metrics"))
	}, harness.Timeout)
})
