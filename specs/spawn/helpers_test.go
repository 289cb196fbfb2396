package spawn_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

// learnerPackage is the import path of the code under test.
const learnerPackage = "autoroute/solutions/task"

// outcome is what a task, a Join or a JoinNext returned.
type outcome[T any] struct {
	value T
	err   error
}

// spawn calls task.Spawn(ctx, f) on a goroutine of the spec's and returns
// the handle.
func spawn[T any](ctx context.Context, f func(context.Context) (T, error)) *task.Handle[T] {
	GinkgoHelper()
	h := harness.Go("task.Spawn(ctx, f)", func() *task.Handle[T] { return task.Spawn(ctx, f) }).Wait(ctx)
	Expect(h).NotTo(BeNil(), "task.Spawn(ctx, f) returned a nil handle. %s", harness.See("handle"))
	return h
}

// startJoin calls h.Join(joinCtx) on a goroutine of the spec's, without
// waiting for it.
func startJoin[T any](joinCtx context.Context, h *task.Handle[T]) *harness.Call[outcome[T]] {
	return harness.Go("h.Join(ctx)", func() outcome[T] {
		v, err := h.Join(joinCtx)
		return outcome[T]{v, err}
	})
}

// join calls h.Join(ctx) and waits for what it returns.
func join[T any](ctx context.Context, h *task.Handle[T], state ...fmt.Stringer) outcome[T] {
	GinkgoHelper()
	return startJoin(ctx, h).Wait(ctx, state...)
}

// returned waits for c to return and gives its result. If c never
// returns, the spec fails saying what it waited for (what) and why c
// should have returned (hint).
func returned[T any](ctx context.Context, c *harness.Call[T], what, hint string) T {
	GinkgoHelper()
	harness.Receive(ctx, c.Done(), what, hint)
	return c.Wait(ctx)
}

// pause waits d on clk, or until ctx ends. It reports whether the whole d
// passed. The specs' tasks wait with it rather than with clk.Sleep, so that
// an aborted task ends at once.
func pause(ctx context.Context, clk clock.Clock, d time.Duration) bool {
	t := clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// blockedIn returns a wait (for Call.WaitFor) that ends once at least n
// goroutines started during the spec are blocked with frame of your
// package on their stack, such as "(*Set[...]).Shutdown": a Shutdown known
// to be waiting, say. See harness.BlockedIn.
func blockedIn(n int, frame string) func(context.Context) error {
	return harness.BlockedIn(learnerPackage, n, frame)
}
