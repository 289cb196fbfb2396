package runtime_test

import (
	"context"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

func metrics(ctx context.Context, e *executor.Executor) executor.Metrics {
	GinkgoHelper()
	return harness.Go("e.Metrics()", e.Metrics).Wait(ctx)
}

var _ = Describe("metrics", Label("metrics"), func() {
	It("counts spawned, completed and panicked tasks", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
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

	It("reports the tasks running and queued right now", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 3, Clock: harness.NewClock()})
		b := occupy(ctx, e)
		defer close(b.released)
		spawn(ctx, e, func(context.Context) {})
		spawn(ctx, e, func(context.Context) {})

		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 3, Running: 1, Queued: 2}),
			"One task holds the only lane and two wait in the queue. %s", harness.See("metrics"))
	}, harness.Timeout)

	It("can be read while the lanes are busy, without a data race", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
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

	It("counts only the tasks accepted: a Spawn or TrySpawn that gave up adds nothing", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		ran := make(chan int, 1)
		holder := fill(ctx, e, 1, ran)
		var refusedRan atomic.Int32
		refused := func(context.Context) { refusedRan.Add(1) }

		Expect(harness.Go("e.TrySpawn(task) on a full queue", func() error { return e.TrySpawn(refused) }).Wait(ctx)).To(MatchError(executor.ErrQueueFull))
		spawnCtx, cancel := context.WithCancel(ctx)
		waiting := harness.Go("e.Spawn(ctx, task) on a full queue", func() error { return e.Spawn(spawnCtx, refused) })
		waiting.WaitFor(ctx, "Spawn to wait for room in the full queue", blockedIn(1, "(*Executor).Spawn"))
		cancel()
		Expect(waiting.Wait(ctx)).To(MatchError(context.Canceled))
		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 2, Running: 1, Queued: 1}),
			"Two tasks were accepted (one runs, one waits); then a TrySpawn got ErrQueueFull and a Spawn gave up when its "+
				"context was cancelled. Neither queued anything, so neither counts as spawned: count a task only once it "+
				"is in the queue. %s", harness.See("metrics"))

		close(holder.released)
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(harness.Go("e.Spawn(ctx, task) after Shutdown", func() error { return e.Spawn(ctx, refused) }).Wait(ctx)).To(MatchError(executor.ErrClosed))
		Expect(harness.Go("e.TrySpawn(task) after Shutdown", func() error { return e.TrySpawn(refused) }).Wait(ctx)).To(MatchError(executor.ErrClosed))
		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 2, Completed: 2}),
			"After Shutdown: the 2 accepted tasks completed, and the Spawn and TrySpawn refused with ErrClosed add nothing. %s",
			harness.See("metrics"))
		Expect(refusedRan.Load()).To(BeZero(), "A task whose Spawn or TrySpawn failed ran anyway.")
	}, harness.Timeout)

	It("counts a BlockOn whose f panicked as a panicked task, reported once to OnPanic", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		reports := make(chan *executor.PanicError, 2)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk, OnPanic: func(p *executor.PanicError) { reports <- p }})

		err := harness.Go("executor.BlockOn(ctx, e, f) with f panicking", func() error {
			_, err := executor.BlockOn(ctx, e, func(context.Context) (int, error) { panic(onPurpose) })
			return err
		}).Wait(ctx)
		Expect(err).To(MatchError(executor.ErrTaskPanicked))
		report := harness.Receive(ctx, reports, "OnPanic to be told about f's panic",
			"BlockOn should let f's panic reach the lane (runSafely recovers it, counts it and reports it), not recover it itself. "+harness.See("metrics"))
		Expect(report.Value).To(Equal(onPurpose), "OnPanic should get the value f panicked with.")

		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(metrics(ctx, e)).To(Equal(executor.Metrics{Spawned: 1, Panicked: 1}),
			"BlockOn ran one task, and its f panicked: the snapshot should count one spawned, one panicked, none completed. "+
				"A BlockOn that recovers f's panic itself hides it from the executor's counters and from OnPanic. %s", harness.See("metrics"))
		Expect(reports).NotTo(Receive(), "OnPanic was told twice about one panic.")
	}, harness.Timeout)

	It("can be read from OnPanic, and that snapshot already counts the panic", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var e *executor.Executor
		seen := make(chan executor.Metrics, 1)
		e = start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock(), OnPanic: func(*executor.PanicError) {
			seen <- e.Metrics()
		}})
		spawn(ctx, e, panicking)
		m := harness.Receive(ctx, seen, "OnPanic, which calls e.Metrics(), to return",
			"If runSafely calls OnPanic while holding e.mu, Metrics waits for that lock for ever. "+harness.See("metrics"))
		Expect(m.Panicked).To(Equal(1),
			"OnPanic called e.Metrics(): the panic it is told about should already be counted (count it, unlock, then report). %s",
			harness.See("metrics"))
		// Spawned is not checked: Spawn counts its task once the send is
		// done, and the lane may run it, panic and all, before that.
	}, harness.Timeout)
})
