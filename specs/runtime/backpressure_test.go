package runtime_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

// blocker is a task that signals when it starts and then holds its lane
// until released (or until its context is cancelled).
type blocker struct {
	started  chan struct{}
	released chan struct{}
}

func newBlocker() *blocker {
	return &blocker{started: make(chan struct{}), released: make(chan struct{})}
}

func (b *blocker) task(ctx context.Context) {
	close(b.started)
	select {
	case <-b.released:
	case <-ctx.Done():
	}
}

// occupy spawns a blocker and waits until a lane runs it.
func occupy(ctx context.Context, e *executor.Executor) *blocker {
	GinkgoHelper()
	b := newBlocker()
	spawn(ctx, e, b.task)
	harness.Receive(ctx, b.started, "a lane to start the spawned task", harness.See("lanes"))
	return b
}

var _ = Describe("backpressure", Label("backpressure"), func() {
	It("TrySpawn returns ErrQueueFull, without waiting, when every lane is busy and the queue is full", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 2, Clock: harness.NewClock()})
		b := occupy(ctx, e)
		defer close(b.released)

		for i := range 2 {
			err := harness.Go("e.TrySpawn(task)", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)
			Expect(err).NotTo(HaveOccurred(), "TrySpawn #%d should fit in a queue of 2 while the only lane is busy. %s", i+1, harness.See("backpressure"))
		}
		err := harness.Go("e.TrySpawn(task) on a full queue", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)
		Expect(err).To(MatchError(executor.ErrQueueFull),
			"The lane is busy and the queue holds 2 tasks: TrySpawn should return ErrQueueFull at once. "+
				"A send that must not block is a select with a default case. %s", harness.See("backpressure"))
	}, harness.Timeout)

	It("TrySpawn accepts again once a lane takes the next task", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock()})
		first := occupy(ctx, e)
		second := newBlocker()
		Expect(harness.Go("e.TrySpawn(task)", func() error { return e.TrySpawn(second.task) }).Wait(ctx)).To(Succeed())
		Expect(harness.Go("e.TrySpawn(task) on a full queue", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrQueueFull), "A full queue should refuse with ErrQueueFull. %s", harness.See("backpressure"))

		close(first.released)
		harness.Receive(ctx, second.started, "the lane to take the queued task once the first one finished", "")
		defer close(second.released)
		Expect(harness.Go("e.TrySpawn(task) after the lane took a task", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).
			To(Succeed(), "The lane took the queued task, so the queue has room again: TrySpawn should accept. %s", harness.See("backpressure"))
	}, harness.Timeout)

	It("Spawn waits for room in a full queue, then queues the task", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock()})
		first := occupy(ctx, e)
		second := newBlocker()
		spawn(ctx, e, second.task)

		third := newBlocker()
		waiting := harness.Go("e.Spawn(ctx, task) on a full queue", func() error { return e.Spawn(ctx, third.task) })
		close(first.released)
		Expect(waiting.Wait(ctx)).To(Succeed(),
			"Spawn should wait until a lane frees room in the queue, then queue the task and return nil. %s", harness.See("backpressure"))
		harness.Receive(ctx, second.started, "the second task to start", "")
		close(second.released)
		harness.Receive(ctx, third.started, "the task queued by the waiting Spawn to run", harness.See("backpressure"))
		close(third.released)
	}, harness.Timeout)

	It("Spawn gives up with the context's error when its context ends while it waits", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock()})
		b := occupy(ctx, e)
		defer close(b.released)
		spawn(ctx, e, func(context.Context) {})

		spawnCtx, cancel := context.WithCancel(ctx)
		waiting := harness.Go("e.Spawn(ctx, task) on a full queue", func() error {
			return e.Spawn(spawnCtx, func(context.Context) {})
		})
		cancel()
		Expect(waiting.Wait(ctx)).To(MatchError(context.Canceled),
			"The queue stayed full and the spec cancelled Spawn's context: Spawn should return ctx.Err(), not "+
				"wait forever for room. Wait with a select that also watches ctx.Done(). %s", harness.See("backpressure"))
	}, harness.Timeout)

	It("with Queue 0, TrySpawn hands the task straight to an idle lane, and refuses while no lane is idle", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 0, Clock: harness.NewClock()})
		first := newBlocker()
		await(ctx, "the only lane to be idle, waiting for a task", blockedIn(1, ""))
		Expect(harness.Go("e.TrySpawn(task) with Queue: 0 and an idle lane", func() error { return e.TrySpawn(first.task) }).Wait(ctx)).
			To(Succeed(), "Config.Queue 0 means a task is handed straight to an idle lane: the lane was idle, so TrySpawn "+
				"should have succeeded. An unbuffered channel does exactly that (make(chan Task, 0)). %s", harness.See("backpressure"))
		harness.Receive(ctx, first.started, "the idle lane to run the task TrySpawn handed it", harness.See("backpressure"))
		defer close(first.released)

		Expect(harness.Go("e.TrySpawn(task) with Queue: 0 and the lane busy", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrQueueFull), "With Queue: 0 and the only lane busy, there is nowhere for a task to wait: "+
				"TrySpawn should return ErrQueueFull. %s", harness.See("backpressure"))
	}, harness.Timeout)

	It("with Queue 0, Spawn waits until a lane is free and hands it the task", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 0, Clock: harness.NewClock()})
		first := occupy(ctx, e)
		second := newBlocker()
		waiting := harness.Go("e.Spawn(ctx, task) with Queue: 0 and the lane busy", func() error { return e.Spawn(ctx, second.task) })
		waiting.WaitFor(ctx, "Spawn to wait for the busy lane", blockedIn(1, "(*Executor).Spawn"))
		close(first.released)
		Expect(waiting.Wait(ctx)).To(Succeed(), "Once the lane was free, Spawn should have handed it the task. %s", harness.See("backpressure"))
		harness.Receive(ctx, second.started, "the lane to run the task Spawn handed it", harness.See("backpressure"))
		close(second.released)
	}, harness.Timeout)
})
