package spawn_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

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

// alive holds the goroutines alive when the running spec started
// (goroutine ids are never reused).
var alive map[uint64]bool

var _ = BeforeEach(func() {
	alive = map[uint64]bool{}
	for _, g := range gleak.Goroutines() {
		alive[g.ID] = true
	}
})

// blockedIn returns a wait (for Call.WaitFor) that ends once at least n
// goroutines started during the spec are blocked (on a channel, a select, a
// lock) with frame on their stack, such as "(*Set[...]).Shutdown": a
// Shutdown known to be waiting, say.
//
// The runtime does not announce that a goroutine blocked, so the wait looks
// at the goroutines' states again and again until the fact holds: a fact
// about your code, not a guess at how long it takes.
func blockedIn(n int, frame string) func(context.Context) error {
	return func(ctx context.Context) error {
		pause := 20 * time.Microsecond
		for {
			var seen []gleak.Goroutine
			count := 0
			for _, g := range gleak.Goroutines() {
				if alive[g.ID] || !strings.Contains(g.Backtrace, learnerPackage+"."+frame) {
					continue
				}
				seen = append(seen, g)
				if blocked(g.State) {
					count++
				}
			}
			if count >= n {
				return nil
			}
			select {
			case <-ctx.Done():
				var list strings.Builder
				for _, g := range seen {
					fmt.Fprintf(&list, "  goroutine %d [%s]: %s\n", g.ID, g.State, g.TopFunction)
				}
				if list.Len() == 0 {
					list.WriteString("  (none)\n")
				}
				return fmt.Errorf("%d goroutine(s) were blocked in %s.%s; these were seen there:\n%s", count, learnerPackage, frame, list.String())
			case <-time.After(pause):
				pause = min(2*pause, time.Millisecond)
			}
		}
	}
}

// blocked reports whether a goroutine in this state waits for another
// goroutine to act: on a channel, in a select, on a lock or a WaitGroup.
func blocked(state string) bool {
	for _, waiting := range []string{"chan receive", "chan send", "select", "sync.WaitGroup.Wait", "sync.Mutex.Lock", "sync.RWMutex.", "sync.Cond.Wait"} {
		if strings.HasPrefix(state, waiting) {
			return true
		}
	}
	return false
}
