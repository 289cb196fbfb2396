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
