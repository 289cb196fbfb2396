package runtime_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

// learnerPackage is the import path of the code under test.
const learnerPackage = "autoroute/solutions/executor"

// start builds an executor from cfg and shuts it down when the spec ends.
func start(ctx context.Context, cfg executor.Config) *executor.Executor {
	GinkgoHelper()
	what := fmt.Sprintf("executor.New(Config{Lanes: %d, Queue: %d})", cfg.Lanes, cfg.Queue)
	type built struct {
		e   *executor.Executor
		err error
	}
	got := harness.Go(what, func() built {
		e, err := executor.New(cfg)
		return built{e, err}
	}).Wait(ctx)
	Expect(got.err).NotTo(HaveOccurred(), "%s returned an error for a valid config. %s", what, harness.See("lanes"))
	Expect(got.e).NotTo(BeNil(), "%s returned a nil executor and no error. %s", what, harness.See("lanes"))
	harness.DeferCleanup(func(ctx context.Context) {
		stop := harness.Go("e.Shutdown(0) at the end of the spec", func() error { return got.e.Shutdown(0) })
		if stop.StillStub(ctx) {
			// Shutdown is a later exercise: until it is written, the lanes
			// of this executor cannot be stopped, and that is not a leak of
			// the exercise under test.
			harness.TolerateGoroutinesFrom(learnerPackage)
			return
		}
		stop.Wait(ctx)
	})
	return got.e
}

// spawn queues task with Spawn and waits for it to be accepted.
func spawn(ctx context.Context, e *executor.Executor, task executor.Task) {
	GinkgoHelper()
	err := harness.Go("e.Spawn(ctx, task)", func() error { return e.Spawn(ctx, task) }).Wait(ctx)
	Expect(err).NotTo(HaveOccurred(), "e.Spawn(ctx, task) refused a task on a running executor with room in its queue. %s", harness.See("lanes"))
}

// shutdown calls e.Shutdown on a goroutine of the spec's; timeout is how
// the call reads in messages.
func shutdown(e *executor.Executor, timeout string, call func() error) *harness.Call[error] {
	return harness.Go("e.Shutdown("+timeout+")", call)
}

// blockedIn returns a wait (for Call.WaitFor) that ends once at least n
// goroutines started during the spec are blocked with frame of your
// package on their stack, such as "(*Executor).Spawn": n Spawns known to be
// waiting for room, say. An empty frame counts the goroutines your package
// started (its lanes). See harness.BlockedIn.
func blockedIn(n int, frame string) func(context.Context) error {
	return harness.BlockedIn(learnerPackage, n, frame)
}

// await waits, within the spec's budget, for a fact that no call of the
// spec's is waiting on (wait is blockedIn(...), say).
func await(ctx context.Context, fact string, wait func(context.Context) error) {
	GinkgoHelper()
	waitCtx, cancel := harness.Bounded(ctx)
	defer cancel()
	if err := wait(waitCtx); err != nil {
		harness.FailTimedOut(fmt.Sprintf("The spec waited for this: %s. It never happened within the spec's %v budget.\n\n%v", fact, harness.Budget, err))
	}
}

// fill occupies the only lane of e (Lanes: 1) and fills its queue of size
// queue with tasks that send their number (0, 1, ...) on ran when they run
// (give ran room for them all). It returns the task that holds the lane.
func fill(ctx context.Context, e *executor.Executor, queue int, ran chan<- int) *blocker {
	GinkgoHelper()
	b := occupy(ctx, e)
	for i := range queue {
		spawn(ctx, e, func(context.Context) { ran <- i })
	}
	return b
}
