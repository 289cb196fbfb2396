package await_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/future"
)

// scripted is a future.Source that answers what the spec chose, and
// remembers what it was asked.
type scripted struct {
	mu      sync.Mutex
	answers []int64
	asked   []int64
}

func (s *scripted) Int64N(n int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		panic(fmt.Sprintf("Int64N(%d): n must be positive, as for math/rand/v2", n))
	}
	var answer int64
	if i := len(s.asked); i < len(s.answers) {
		answer = s.answers[i]
	}
	s.asked = append(s.asked, n)
	return min(answer, n-1)
}

func (s *scripted) questions() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.asked...)
}

// attempts is the work Retry retries in a spec: attempt n (from 1) is marked
// on the timeline and fails with an error of its own, until attempt
// succeedAt, which returns "arrived". A succeedAt of 0 never succeeds.
type attempts struct {
	s         *scene
	succeedAt int

	mu     sync.Mutex
	errs   []error
	cancel []bool // whether each attempt's context had ended when it ran
}

func (a *attempts) fn(ctx context.Context) (string, error) {
	a.s.tl.Mark("attempts")
	a.mu.Lock()
	defer a.mu.Unlock()
	n := len(a.errs) + 1
	a.cancel = append(a.cancel, ctx.Err() != nil)
	if n == a.succeedAt {
		a.errs = append(a.errs, nil)
		return "arrived", nil
	}
	err := fmt.Errorf("attempt %d: connection refused", n)
	a.errs = append(a.errs, err)
	return "", err
}

// made returns how many attempts were made, and the last one's error.
func (a *attempts) made() (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.errs) == 0 {
		return 0, nil
	}
	return len(a.errs), a.errs[len(a.errs)-1]
}

// retryCall starts future.Retry on the scene's clock.
func retryCall(ctx context.Context, s *scene, what string, b future.Backoff, a *attempts) call[outcome[string]] {
	return start(what, func() outcome[string] {
		s.tl.Begin("future.Retry")
		v, err := future.Retry(ctx, s.clk, b, a.fn)
		s.tl.End("future.Retry", "returned")
		return outcome[string]{v, err}
	})
}

// step waits for Retry to arm its wait after attempt n failed, checks that
// no attempt came early, and moves the clock past the wait.
func step(ctx context.Context, s *scene, c call[outcome[string]], a *attempts, n int, wait time.Duration, why string) {
	GinkgoHelper()
	failedAt := s.clk.Since(clock.Epoch) // the last attempt came now: the clock moves only after its wait
	waitFor(ctx, s, c, fmt.Sprintf("Retry to wait %v on the clock after attempt %d failed", wait, n), timers(wait), func() string {
		return fmt.Sprintf("Attempt %d failed at %s. %s When the spec gave up waiting, the attempts had come at %s, "+
			"and the clock held %s. %s", n, offset(failedAt), why, instants(s.tl.Marks("attempts")), armed(s.clk.Pending()), harness.See("retry"))
	})
	if made, _ := a.made(); made != n {
		marks := s.tl.Marks("attempts")
		Fail(fmt.Sprintf("Retry is waiting %v, as it should after attempt %d failed, but %d attempts were made by %s: "+
			"attempts %d to %d came at %s, without the waits between them. %s %s%s",
			wait, n, made, offset(s.clk.Since(clock.Epoch)), n+1, made, instants(marks[min(n, len(marks)):]), why, harness.See("retry"), s.picture()))
	}
	s.clk.Advance(wait)
}

// instants lists virtual times the way the timeline writes them.
func instants(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = offset(d)
	}
	return strings.Join(parts, ", ")
}

var _ = Describe("retry", Label("retry"), func() {
	It("returns the first success at once, without waiting", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		a := &attempts{s: s, succeedAt: 1}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, b, fn)", future.Backoff{Initial: time.Second, Max: time.Minute}, a)
		got := finish(ctx, s, c, func() string {
			return "The first attempt succeeded: Retry should return at once. " + harness.See("retry")
		})
		Expect(got).To(Equal(outcome[string]{value: "arrived"}), "The first attempt returned \"arrived\": Retry should return it. %s", harness.See("retry"))
		made, _ := a.made()
		Expect(made).To(Equal(1), "The first attempt succeeded: Retry should not call fn again. %s", harness.See("retry"))
		Expect(s.clk.Pending()).To(BeEmpty(), "Retry should not arm a timer when nothing failed. The clock says:\n%s", s.clk)
	}, harness.Timeout)

	It("waits Initial, then twice as long each time, with jitter drawn from the injected source: the delays are exact", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		src := &scripted{answers: []int64{0, int64(100 * time.Millisecond), int64(50 * time.Millisecond), int64(time.Millisecond), int64(250 * time.Millisecond)}}
		b := future.Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: src}
		a := &attempts{s: s, succeedAt: 6}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, Backoff{Initial: 100ms, Max: 1s, Jitter: src}, fn)", b, a)

		delays := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}
		var asked []int64
		var at []time.Duration
		for n, delay := range delays {
			half := delay / 2
			drawn := time.Duration(min(src.answers[n], int64(half)))
			asked = append(asked, int64(half)+1)
			capped := ""
			if delay == b.Max && n > 0 && 2*delays[n-1] > b.Max {
				capped = fmt.Sprintf(" (%v doubled is %v, more than Max)", delays[n-1], 2*delays[n-1])
			}
			why := fmt.Sprintf("The delay after failure %d is %v%s; half of it, %v, is fixed, and the other part is drawn "+
				"with src.Int64N(%d), which answered %d: Retry should wait %v + %v = %v. src was asked: %v.",
				n+1, delay, capped, half, int64(half)+1, int64(drawn), half, drawn, half+drawn, src.questions())
			at = append(at, s.clk.Since(clock.Epoch))
			step(ctx, s, c, a, n+1, half+drawn, why)
		}
		at = append(at, s.clk.Since(clock.Epoch))
		got := finish(ctx, s, c, func() string { return "Attempt 6 succeeded. " + harness.See("retry") })
		Expect(got).To(Equal(outcome[string]{value: "arrived"}), "Attempt 6 returned \"arrived\": Retry should return it. %s", harness.See("retry"))
		Expect(src.questions()).To(Equal(asked), "Each wait draws its jitter with src.Int64N(int64(delay/2) + 1). %s", harness.See("retry"))
		Expect(s.tl.Marks("attempts")).To(Equal(at), "The attempts should come at these instants. %s%s", harness.See("retry"), s.picture())
	}, harness.Timeout)

	It("never waits more than Max, however many attempts fail: the doubling does not overflow", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: time.Second, Max: time.Minute}
		a := &attempts{s: s, succeedAt: 70}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, Backoff{Initial: 1s, Max: 1m}, fn)", b, a)

		delay := b.Initial
		for n := 1; n < 70; n++ {
			why := fmt.Sprintf("Retry should wait %v: Initial doubled %d times, at most Max (1m). A Duration is an int64 "+
				"of nanoseconds: 1s doubled 34 times passes its largest value and wraps around, so stop doubling once "+
				"the delay reaches Max rather than compute Initial << (n-1).", delay, n-1)
			step(ctx, s, c, a, n, delay, why)
			delay = min(2*delay, b.Max)
		}
		got := finish(ctx, s, c, func() string { return "Attempt 70 succeeded. " + harness.See("retry") })
		Expect(got).To(Equal(outcome[string]{value: "arrived"}), "Attempt 70 returned \"arrived\": Retry should return it. %s", harness.See("retry"))
	}, harness.Timeout)

	It("gives up at the deadline: it does not start a wait that would end after it, and returns the last error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}
		a := &attempts{s: s}
		retryCtx, cancel := s.clk.WithTimeout(ctx, time.Second)
		defer cancel()
		c := retryCall(retryCtx, s, "future.Retry(ctx with a 1s deadline, clk, Backoff{Initial: 100ms, Max: 10s}, fn)", b, a)

		for n, wait := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond} {
			step(ctx, s, c, a, n+1, wait, fmt.Sprintf("Retry should wait %v: Initial doubled %d times.", wait, n))
		}
		got := finish(ctx, s, c, func() string {
			return "Attempt 4 failed at +700ms. The next wait, 800ms, would end at +1.5s, after the deadline (+1s): " +
				"Retry should give up at once, rather than wait for a deadline it knows it cannot beat. Compare " +
				"clk.Now().Add(wait) with ctx.Deadline(). " + harness.See("retry")
		})
		made, last := a.made()
		Expect(made).To(Equal(4), "Retry should have made 4 attempts, at +0s, +100ms, +300ms and +700ms. %s%s", harness.See("retry"), s.picture())
		Expect(got.err).To(MatchError(last),
			"Retry gave up: it should return the last attempt's error, wrapped (%%w), so that the caller sees why. %s", harness.See("retry"))
	}, harness.Timeout)

	It("stops waiting at once when its context is cancelled, with the context's error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: time.Minute, Max: time.Minute}
		a := &attempts{s: s}
		retryCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := retryCall(retryCtx, s, "future.Retry(ctx, clk, Backoff{Initial: 1m, Max: 1m}, fn)", b, a)
		waitFor(ctx, s, c, "Retry to wait 1m after attempt 1 failed", timers(time.Minute), func() string { return harness.See("retry") })

		cancel()
		got := finish(ctx, s, c, func() string {
			return "The spec cancelled Retry's context while it waited, and did not move the clock: Retry should " +
				"return at once. Wait with a select on the timer's channel and ctx.Done(); clk.Sleep cannot be " +
				"interrupted. " + harness.See("retry")
		})
		_, last := a.made()
		Expect(got.err).To(MatchError(context.Canceled), "Retry's context was cancelled: Retry should return ctx.Err(). %s", harness.See("retry"))
		Expect(got.err).To(MatchError(last), "Retry should wrap the last attempt's error beside the context's, so that the caller sees why it was still retrying. %s", harness.See("retry"))
		made, _ := a.made()
		Expect(made).To(Equal(1), "Retry should not try again once its context was cancelled. %s", harness.See("retry"))
		noTimerLeft(s, "Retry returned once its context was cancelled during a one-minute wait",
			"Stop the wait's timer when the context ends first (timer.Stop()): it would stay armed for the rest of "+
				"the minute, for nothing. "+harness.See("retry"))
	}, harness.Timeout)

	It("waits on the clock it was given, never on package time", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: 50 * time.Millisecond, Max: time.Second}
		a := &attempts{s: s, succeedAt: 2}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, Backoff{Initial: 50ms, Max: 1s}, fn)", b, a)
		waitFor(ctx, s, c, "Retry to arm a 50ms timer on the clock it was given", timers(50*time.Millisecond), func() string {
			both := ""
			if marks := s.tl.Marks("attempts"); len(marks) > 1 && marks[1] == 0 {
				both = "Both attempts came at +0s on the spec's clock: the wait between them passed on another clock. "
			}
			return "Attempt 1 failed: Retry should wait 50ms on clk (clk.NewTimer). " + both + "time.Sleep and " +
				"time.After wait on the real clock, which the spec cannot move: the code cannot be tested in virtual " +
				"time, nor cancelled. " + harness.See("retry")
		})
		s.clk.Advance(50 * time.Millisecond)
		got := finish(ctx, s, c, func() string { return "Attempt 2 succeeded at +50ms. " + harness.See("retry") })
		Expect(got).To(Equal(outcome[string]{value: "arrived"}))
		Expect(s.tl.Marks("attempts")).To(Equal([]time.Duration{0, 50 * time.Millisecond}),
			"The attempts should come at +0s and +50ms. %s%s", harness.See("retry"), s.picture())
	}, harness.Timeout)

	It("gives up when the next wait would end exactly at the deadline, and starts one that ends 1ns before it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		b := future.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}
		for _, side := range []struct {
			deadline time.Duration
			starts   bool
		}{{300 * time.Millisecond, false}, {300*time.Millisecond + time.Nanosecond, true}} {
			s := newScene()
			a := &attempts{s: s}
			retryCtx, cancel := s.clk.WithTimeout(ctx, side.deadline)
			what := fmt.Sprintf("future.Retry(ctx with a deadline at +%v, clk, Backoff{Initial: 100ms, Max: 10s}, fn)", side.deadline)
			c := retryCall(retryCtx, s, what, b, a)
			step(ctx, s, c, a, 1, 100*time.Millisecond, fmt.Sprintf("The deadline is at +%v: a wait of 100ms ends well before it.", side.deadline))
			if side.starts {
				step(ctx, s, c, a, 2, 200*time.Millisecond, "Attempt 2 failed at +100ms: the next wait, 200ms, ends at +300ms, "+
					"1ns before the deadline (+300.000000001ms). It ends before the deadline: Retry should start it.")
				cancel()
				finish(ctx, s, c, func() string { return "The spec cancelled Retry's context. " + harness.See("retry") })
				continue
			}
			got := finish(ctx, s, c, func() string {
				return "Attempt 2 failed at +100ms. The next wait, 200ms, would end at +300ms: exactly at the deadline, " +
					"not before it, and the context would end with it. Retry should give up at once, with attempt 2's " +
					"error: compare with !clk.Now().Add(wait).Before(deadline), not with After. " + harness.See("retry")
			})
			cancel()
			made, last := a.made()
			Expect(made).To(Equal(2), "Retry should have made 2 attempts, at +0s and +100ms. %s%s", harness.See("retry"), s.picture())
			Expect(got.err).To(MatchError(last), "Retry gave up: it should return the last attempt's error, wrapped (%%w). %s", harness.See("retry"))
			Expect(s.clk.Since(clock.Epoch)).To(Equal(100*time.Millisecond), "Retry gave up at +100ms: the clock should still be there.")
		}
	}, harness.Timeout)

	It("Max caps every delay, even the first: an Initial above Max waits Max", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: time.Second, Max: 300 * time.Millisecond}
		a := &attempts{s: s, succeedAt: 3}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, Backoff{Initial: 1s, Max: 300ms}, fn)", b, a)
		for n := 1; n <= 2; n++ {
			step(ctx, s, c, a, n, 300*time.Millisecond, "Initial is 1s, but Max caps every delay, the first one too: "+
				"Retry should wait min(delay, Max) = 300ms.")
		}
		got := finish(ctx, s, c, func() string { return "Attempt 3 succeeded at +600ms. " + harness.See("retry") })
		Expect(got).To(Equal(outcome[string]{value: "arrived"}), "Attempt 3 returned \"arrived\": Retry should return it. %s", harness.See("retry"))
	}, harness.Timeout)

	It("returns the context's error when an attempt runs past the deadline, and arms no wait after it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}
		a := &attempts{s: s}
		retryCtx, cancel := s.clk.WithTimeout(ctx, time.Second)
		defer cancel()
		inAttempt2, release := make(chan struct{}), make(chan struct{})
		DeferCleanup(func() {
			select {
			case <-release:
			default:
				close(release)
			}
		})
		slow := func(ctx context.Context) (string, error) {
			if made, _ := a.made(); made == 1 {
				close(inAttempt2)
				<-release // the spec moves the clock past the deadline meanwhile
			}
			return a.fn(ctx)
		}
		c := start("future.Retry(ctx with a 1s deadline, clk, Backoff{Initial: 100ms, Max: 10s}, fn)", func() outcome[string] {
			v, err := future.Retry(retryCtx, s.clk, b, slow)
			return outcome[string]{v, err}
		})
		step(ctx, s, c, a, 1, 100*time.Millisecond, "Retry should wait Initial, 100ms.")
		harness.Receive(ctx, inAttempt2, "attempt 2 to begin, at +100ms", "Retry should try again once its wait is over. "+harness.See("retry"))
		s.clk.Advance(2 * time.Second) // attempt 2 takes two seconds: the deadline passes while it runs
		close(release)
		got := finish(ctx, s, c, func() string {
			return "Attempt 2 began at +100ms and ran for two seconds: when it failed, at +2.1s, the context had ended " +
				"at its deadline (+1s). Retry should return at once. " + harness.See("retry")
		})
		made, last := a.made()
		Expect(made).To(Equal(2), "Retry should have made 2 attempts, then stopped: its context had ended. %s", harness.See("retry"))
		Expect(got.err).To(And(MatchError(context.DeadlineExceeded), MatchError(last)),
			"The context ended during attempt 2: Retry should return an error matching ctx.Err() (context.DeadlineExceeded) "+
				"with the last attempt's error wrapped beside it, so the caller sees both why it stopped and what failed. "+
				"Check ctx.Err() after each failed attempt, before you compute the next wait. It gave: %v. %s", got.err, harness.See("retry"))
		noTimerLeft(s, "Retry returned after its context had ended", "Retry should arm no wait once its context has ended. "+harness.See("retry"))
	}, harness.Timeout)

	It("doubles up to Max exactly: a doubled delay 1ns under Max is waited as it is, not rounded up", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: time.Second, Max: 2*time.Second + time.Nanosecond}
		a := &attempts{s: s, succeedAt: 4}
		c := retryCall(ctx, s, "future.Retry(ctx, clk, Backoff{Initial: 1s, Max: 2.000000001s}, fn)", b, a)
		step(ctx, s, c, a, 1, time.Second, "Retry should wait Initial, 1s.")
		step(ctx, s, c, a, 2, 2*time.Second, "1s doubled is 2s, 1ns under Max (2.000000001s): Retry should wait 2s. "+
			"Take Max only once doubling would pass it; a test like d >= Max/2 rounds 2s up to Max, because Max/2 "+
			"is rounded down.")
		step(ctx, s, c, a, 3, b.Max, "2s doubled is 4s, more than Max: Retry should wait Max, 2.000000001s.")
		got := finish(ctx, s, c, func() string { return "Attempt 4 succeeded. " + harness.See("retry") })
		Expect(got).To(Equal(outcome[string]{value: "arrived"}), "Attempt 4 returned \"arrived\": Retry should return it. %s", harness.See("retry"))
	}, harness.Timeout)

	It("runs each attempt with its own context: a context that ends during an attempt reaches it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newScene()
		b := future.Backoff{Initial: time.Second, Max: time.Minute}
		began, release := make(chan struct{}), make(chan struct{})
		DeferCleanup(func() { close(release) })
		var sawEnd atomic.Bool
		attempt := func(actx context.Context) (string, error) {
			close(began)
			select {
			case <-actx.Done():
				sawEnd.Store(true)
				return "", fmt.Errorf("attempt 1 gave up: %w", actx.Err())
			case <-release:
				return "", errors.New("attempt 1: released by the spec's cleanup")
			}
		}
		retryCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := start("future.Retry(ctx, clk, b, fn)", func() outcome[string] {
			v, err := future.Retry(retryCtx, s.clk, b, attempt)
			return outcome[string]{v, err}
		})
		harness.Receive(ctx, began, "the first attempt to begin", "Retry should call fn at once. "+harness.See("retry"))
		cancel()
		got := finish(ctx, s, c, func() string {
			return "The spec cancelled Retry's context while attempt 1 was running; that attempt waits for its context " +
				"to end. Retry should hand fn its own ctx, so that cancelling Retry reaches the attempt in progress: " +
				"never context.Background() or a context of its own that the caller cannot end. " + harness.See("retry")
		})
		Expect(sawEnd.Load()).To(BeTrue(), "The attempt should have seen its context end. %s", harness.See("retry"))
		Expect(got.err).To(MatchError(context.Canceled),
			"Retry's context was cancelled during attempt 1: Retry should return ctx.Err(). It gave: %v. %s", got.err, harness.See("retry"))
		noTimerLeft(s, "Retry returned once its context was cancelled during an attempt", "No wait should follow an attempt once the context has ended. "+harness.See("retry"))
	}, harness.Timeout)
})
