package runtime_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

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
// lock) with frame on their stack, such as "(*Executor).Spawn": n Spawns
// known to be waiting for room, say. An empty frame counts the goroutines
// your package started (its lanes) instead.
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
				if alive[g.ID] {
					continue
				}
				ours := strings.Contains(g.Backtrace, learnerPackage+"."+frame)
				if frame == "" {
					ours = strings.HasPrefix(g.CreatorFunction, learnerPackage+".")
				}
				if !ours {
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
				return fmt.Errorf("%d goroutine(s) were blocked in %s; these were seen there:\n%s", count, where(frame), list.String())
			case <-time.After(pause):
				pause = min(2*pause, time.Millisecond)
			}
		}
	}
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

func where(frame string) string {
	if frame == "" {
		return "the goroutines your package started"
	}
	return learnerPackage + "." + frame
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
