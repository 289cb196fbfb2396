package runtime_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

// onPurpose is what the specs' tasks panic with. If it is the last thing a
// crashed test run printed, the executor did not recover a task's panic.
const onPurpose = "a task panicked on purpose (lesson runtime, exercise panics). If this panic ended your " +
	"test run, runSafely does not recover panics yet: read lessons/01-runtime/README.md, section \"panics\""

func panicking(context.Context) { panic(onPurpose) }

var _ = Describe("panics", Label("panics"), func() {
	It("a panicking task does not take the executor down: the lane runs the next task", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 2, Clock: harness.NewClock(), OnPanic: func(*executor.PanicError) {}})

		ran := make(chan struct{})
		spawn(ctx, e, panicking)
		spawn(ctx, e, func(context.Context) { close(ran) })
		harness.Receive(ctx, ran, "the task spawned after a panicking one to run on the same lane",
			"runSafely should recover the panic so the lane lives on. "+harness.See("panics"))
	}, harness.Timeout)

	It("reports the panic to OnPanic with its value and the stack where it happened", func(spec SpecContext) {
		ctx := harness.Context(spec)
		reports := make(chan *executor.PanicError, 1)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock(), OnPanic: func(p *executor.PanicError) { reports <- p }})

		spawn(ctx, e, panicking)
		report := harness.Receive(ctx, reports, "OnPanic to be called for the panicking task", harness.See("panics"))
		Expect(report).NotTo(BeNil(), "OnPanic was called with a nil report.")
		Expect(report.Value).To(Equal(onPurpose), "The report's Value should be what the task panicked with. %s", harness.See("panics"))
		Expect(string(report.Stack)).To(ContainSubstring("runtime_test.panicking"),
			"The report's Stack should be taken inside the deferred function that recovers (debug.Stack()), "+
				"so that it still shows the task that panicked. %s", harness.See("panics"))
		Expect(errors.Is(report, executor.ErrTaskPanicked)).To(BeTrue(), "A *PanicError matches ErrTaskPanicked.")
	}, harness.Timeout)

	It("keeps every lane alive after many panics", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 2, Queue: 20, Clock: harness.NewClock(), OnPanic: func(*executor.PanicError) {}})

		for range 20 {
			spawn(ctx, e, panicking)
		}
		// Two tasks that only finish once both have started: they need both
		// lanes alive at the same time.
		both := make(chan struct{}, 2)
		release := make(chan struct{})
		for range 2 {
			spawn(ctx, e, func(context.Context) {
				both <- struct{}{}
				<-release
			})
		}
		harness.Receive(ctx, both, "a lane to run a task after 20 panics", harness.See("panics"))
		harness.Receive(ctx, both, "the second lane to run a task after 20 panics",
			"One lane survived, the other did not. "+harness.See("panics"))
		close(release)
		Expect(harness.GoroutinesStartedBy(learnerPackage)).To(HaveLen(2),
			"After 20 panics, the executor should still have its 2 lanes and no more. These goroutines are running now:\n%s", harness.ListGoroutinesStartedBy(learnerPackage))
	}, harness.Timeout)

	It("lets OnPanic call back into the executor: it is called without the executor's lock held", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var e *executor.Executor
		followed := make(chan error, 1)
		ranAfter := make(chan struct{})
		e = start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: harness.NewClock(), OnPanic: func(*executor.PanicError) {
			followed <- e.TrySpawn(func(context.Context) { close(ranAfter) })
		}})

		spawn(ctx, e, panicking)
		err := harness.Receive(ctx, followed, "OnPanic, which calls e.TrySpawn, to return",
			"OnPanic is the user's code, and may call the executor (TrySpawn, Metrics): if runSafely calls it while "+
				"holding e.mu, that call waits for a lock its own lane holds, for ever. Unlock first, then call OnPanic. "+harness.See("panics"))
		Expect(err).NotTo(HaveOccurred(), "OnPanic spawned a follow-up task on an executor with an empty queue.")
		harness.Receive(ctx, ranAfter, "the task spawned from OnPanic to run", harness.See("panics"))
	}, harness.Timeout)

	It("without OnPanic, a panic is still recovered and counted", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 1, Queue: 2, Clock: harness.NewClock()})
		ran := make(chan struct{})
		spawn(ctx, e, panicking)
		spawn(ctx, e, func(context.Context) { close(ran) })
		harness.Receive(ctx, ran, "the task spawned after a panicking one to run, with no OnPanic set",
			"Config.OnPanic is optional: call it only if it is not nil. "+harness.See("panics"))
	}, harness.Timeout)
})
