package select_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gleak"

	"autoroute/internal/harness"
)

// learnerPackage is the import path of the code under test.
const learnerPackage = "autoroute/solutions/choose"

// harnessPackage starts the goroutines on which the specs call your code.
const harnessPackage = "autoroute/internal/harness"

// began is when the running spec started. The waits below share its budget:
// code that is right gets there in microseconds, and the budget only decides
// how long a spec waits before it explains what went wrong.
var began time.Time

// existing holds the goroutines alive when the running spec started
// (goroutine ids are never reused).
var existing map[uint64]bool

var _ = BeforeEach(func() {
	began = time.Now()
	existing = map[uint64]bool{}
	for _, g := range gleak.Goroutines() {
		existing[g.ID] = true
	}
})

// within returns ctx cut short at the given share of the spec's budget.
func within(ctx context.Context, share float64) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, began.Add(time.Duration(share*float64(harness.Budget))))
}

// settle waits until your code has nothing left to do: every goroutine that
// runs it (the ones the spec called it on, and the ones it started) is
// blocked on a channel, a select or a lock, or has returned. From then on,
// nothing happens until the spec acts, so the spec can check what did NOT
// happen ("Debounce sent nothing yet") without guessing how long to wait.
//
// It is what testing/synctest's Wait does inside a bubble. The runtime does
// not announce when a goroutine blocks, so settle looks at the goroutines'
// states, again and again, until they are all blocked (harness.Blocked): a
// fact about your code, not a delay. A goroutine that spins in a loop (a select with a
// default case, say) is never blocked: settle then fails, after half the
// spec's budget, with explain and the goroutines it saw running.
func settle(ctx context.Context, explain string) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.5)
	defer cancel()
	pause := 20 * time.Microsecond
	calm := 0 // looks in a row that found every goroutine blocked
	for {
		busy := busyGoroutines()
		if len(busy) == 0 {
			// Twice in a row: a goroutine that spins can be caught, for an
			// instant, waiting on the runtime's own locks.
			if calm++; calm == 2 {
				return
			}
		} else {
			calm = 0
		}
		select {
		case <-waitCtx.Done():
			var list strings.Builder
			for _, g := range busy {
				fmt.Fprintf(&list, "  %s\n", g)
			}
			Fail(fmt.Sprintf("The spec waited for your code to block, waiting for what comes next. It kept running "+
				"instead: for half the spec's %v budget, these goroutines were never all blocked at once:\n%s\n%s",
				harness.Budget, list.String(), explain))
		case <-time.After(pause):
			pause = min(2*pause, time.Millisecond)
		}
	}
}

// busyGoroutines returns the goroutines, started since the spec began, that
// run your code, or were started by it or by the spec to call it, and are
// not blocked.
func busyGoroutines() []gleak.Goroutine {
	var busy []gleak.Goroutine
	for _, g := range gleak.Goroutines() {
		if existing[g.ID] {
			continue // from before the spec: not this spec's business
		}
		ours := strings.HasPrefix(g.CreatorFunction, learnerPackage+".") ||
			strings.HasPrefix(g.CreatorFunction, harnessPackage+".") ||
			strings.Contains(g.Backtrace, learnerPackage+".")
		if ours && !harness.Blocked(g.State) {
			busy = append(busy, g)
		}
	}
	return busy
}

// send sends v on ch for the spec, failing with what and hint if nobody
// takes it within the budget.
func send[T any](ctx context.Context, ch chan<- T, v T, what, hint string) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.9)
	defer cancel()
	select {
	case ch <- v:
	case <-waitCtx.Done():
		Fail(fmt.Sprintf("The spec tried to send %s. Nobody took it within the spec's %v budget. %s", what, harness.Budget, hint))
	}
}

// sendTo is send while a call of yours runs. It returns true once the
// value is taken, and false if the call returned first (a panic or a stub
// fails the spec there and then). If neither happens within the budget, the
// spec fails with what and hint.
func sendTo[T, R any](ctx context.Context, c *harness.Call[R], ch chan<- T, v T, what, hint string) bool {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.9)
	defer cancel()
	select {
	case ch <- v:
		return true
	case <-c.Done():
		c.Wait(ctx) // a stub or a panic explains itself
		return false
	case <-waitCtx.Done():
		Fail(fmt.Sprintf("The spec tried to send %s. Nobody took it within the spec's %v budget. %s", what, harness.Budget, hint))
	}
	panic("unreachable: Fail does not return")
}

// receiveWhile is receive while a call of yours runs: if the call returns
// before a value comes, the spec fails, with what the call returned.
func receiveWhile[T, R any](ctx context.Context, c *harness.Call[R], ch <-chan T, what, hint string) T {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.9)
	defer cancel()
	select {
	case v := <-ch:
		return v
	case <-c.Done():
		Fail(fmt.Sprintf("The spec waited for %s, but the call returned %+v first. %s", what, c.Wait(ctx), hint))
	case <-waitCtx.Done():
		Fail(fmt.Sprintf("The spec waited for %s. It never came within the spec's %v budget. %s", what, harness.Budget, hint))
	}
	panic("unreachable: Fail does not return")
}

// receive receives from ch for the spec; ok is false once ch is closed. If
// nothing comes within the budget, the spec fails with what and hint.
func receive[T any](ctx context.Context, ch <-chan T, what, hint string) (T, bool) {
	GinkgoHelper()
	waitCtx, cancel := within(ctx, 0.9)
	defer cancel()
	select {
	case v, ok := <-ch:
		return v, ok
	case <-waitCtx.Done():
		Fail(fmt.Sprintf("The spec waited for %s. It never came within the spec's %v budget. %s", what, harness.Budget, hint))
	}
	panic("unreachable: Fail does not return")
}
