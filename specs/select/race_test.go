package select_test

import (
	"context"
	"errors"
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// contender is one function handed to Race, driven by the spec: it returns
// its value and error once the spec releases it, or its context's error
// once its context ends.
type contender struct {
	name  string
	value string
	err   error

	release chan struct{} // closed by the spec: return value, err
	started chan struct{} // closed when Race calls it
	stopped chan struct{} // closed when it sees its context end
	exited  chan struct{} // closed when it has returned

	// returned is set as the function's last act, on purpose without any
	// synchronisation: once Race has returned, the spec reads it. If Race
	// waited for the function, Race's wait orders the two; if it did not,
	// the spec reads false, or the race detector reports the read.
	returned bool

	once sync.Once
}

func newContender(name, value string, err error) *contender {
	return &contender{name: name, value: value, err: err,
		release: make(chan struct{}), started: make(chan struct{}), stopped: make(chan struct{}), exited: make(chan struct{})}
}

// run is the function itself.
func (c *contender) run(ctx context.Context) (string, error) {
	defer close(c.exited)
	defer func() { c.returned = true }()
	calledTwice := true
	c.once.Do(func() { close(c.started); calledTwice = false })
	if calledTwice {
		return "", fmt.Errorf("contender %s was called twice", c.name)
	}
	select {
	case <-c.release:
		return c.value, c.err
	case <-ctx.Done():
		close(c.stopped)
		return "", ctx.Err()
	}
}

// raceResult is what Race returned.
type raceResult struct {
	value string
	err   error
}

// race is a Race of contenders on a goroutine of the spec's, with a context
// of its own that the spec cancels when it ends, whatever happened.
type race struct {
	call       *harness.Call[raceResult]
	contenders []*contender
	cancel     context.CancelFunc
}

func startRace(ctx context.Context, cs ...*contender) *race {
	raceCtx, cancel := context.WithCancel(ctx)
	fns := make([]func(context.Context) (string, error), len(cs))
	for i, c := range cs {
		fns[i] = c.run
	}
	r := &race{contenders: cs, cancel: cancel}
	r.call = harness.Go(fmt.Sprintf("choose.Race(ctx, %d functions)", len(cs)), func() raceResult {
		v, err := choose.Race(raceCtx, fns...)
		return raceResult{v, err}
	})
	harness.DeferCleanup(func(ctx context.Context) {
		cancel() // the spec is over: whatever Race did, let every contender go
		if r.call.StillStub(ctx) {
			return
		}
		for _, c := range cs {
			select {
			case <-c.started:
				harness.Receive(ctx, c.exited, "contender "+c.name+" to return once the spec cancelled Race's context", "")
			default:
			}
		}
	})
	return r
}

// allStarted waits until Race has called every contender.
func (r *race) allStarted(ctx context.Context) {
	GinkgoHelper()
	for _, c := range r.contenders {
		r.call.WaitFor(ctx, "Race to call function "+c.name, func(ctx context.Context) error {
			select {
			case <-c.started:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
}

// stillRunning lists the contenders that had not returned when Race did.
// Call it right after Race returned, before anything else.
func (r *race) stillRunning() []string {
	var running []string
	for _, c := range r.contenders {
		if !c.returned {
			running = append(running, c.name)
		}
	}
	return running
}

var _ = Describe("race", Label("race"), func() {
	It("runs every function at once, and returns the value of the first to succeed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a, b, c := newContender("a", "A", nil), newContender("b", "B", nil), newContender("c", "C", nil)
		r := startRace(ctx, a, b, c)

		r.allStarted(ctx)
		close(b.release)
		got := r.call.Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "The spec let function b succeed: Race should return its value and a nil error. %s", harness.See("race"))
		Expect(got.value).To(Equal("B"), "Function b was the only one to finish, with \"B\": Race should return \"B\". %s", harness.See("race"))
	}, harness.Timeout)

	It("waits past a failure: a failure is not a win", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a, b, c := newContender("a", "", errors.New("a failed")), newContender("b", "B", nil), newContender("c", "C", nil)
		close(a.release) // a fails at once
		r := startRace(ctx, a, b, c)

		r.allStarted(ctx)
		harness.Receive(ctx, a.exited, "function a to return its error", "")
		settle(ctx, "Function a failed; b and c were still running: Race should be waiting for them. "+harness.See("race"))
		if r.call.Returned() {
			got := r.call.Wait(ctx)
			Fail(fmt.Sprintf("Function a failed and Race returned (%q, %v) at once. Race returns the first success: a "+
				"failure is not a win, and b or c may still succeed. Race should note the error and wait for the others. %s",
				got.value, got.err, harness.See("race")))
		}
		close(b.release)
		got := r.call.Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "a failed, then b succeeded: Race should return b's value and no error. %s", harness.See("race"))
		Expect(got.value).To(Equal("B"), "a failed, then b succeeded with \"B\": Race should return \"B\". %s", harness.See("race"))
	}, harness.Timeout)

	It("cancels the losers as soon as one wins", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a, b, c := newContender("a", "A", nil), newContender("b", "B", nil), newContender("c", "C", nil)
		r := startRace(ctx, a, b, c)

		r.allStarted(ctx)
		close(a.release)
		for _, loser := range []*contender{b, c} {
			harness.Receive(ctx, loser.stopped, "the context of function "+loser.name+" to end once a had won",
				"A Go select leaves the losers running: nothing stops a goroutine but a context it watches. Race "+
					"should give the functions a context of its own (context.WithCancel(ctx)) and cancel it as soon as "+
					"one wins. (Handing them ctx itself is not enough: Race cannot cancel its caller's context.) "+harness.See("race"))
		}
		got := r.call.Wait(ctx)
		Expect(got.value).To(Equal("A"), "a won with \"A\": Race should return \"A\". %s", harness.See("race"))
	}, harness.Timeout)

	It("returns only once every loser has returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a, b, c := newContender("a", "A", nil), newContender("b", "B", nil), newContender("c", "C", nil)
		r := startRace(ctx, a, b, c)

		r.allStarted(ctx)
		close(c.release)
		got := r.call.Wait(ctx)
		running := r.stillRunning() // first thing, before anything else can order it
		Expect(running).To(BeEmpty(), "Race returned (%q, %v) while functions %v were still running. Cancelling is a "+
			"request, not a stop: Race should cancel the losers, then wait until every one of them has returned "+
			"(a sync.WaitGroup), so that nothing it started outlives it. %s", got.value, got.err, running, harness.See("race"))
		Expect(got.value).To(Equal("C"), "c won with \"C\": Race should return \"C\". %s", harness.See("race"))
	}, harness.Timeout)

	It("returns every error when every function fails, and ErrNoContenders with none", func(spec SpecContext) {
		ctx := harness.Context(spec)
		errA, errB, errC := errors.New("a failed"), errors.New("b failed"), errors.New("c failed")
		a, b, c := newContender("a", "", errA), newContender("b", "", errB), newContender("c", "", errC)
		for _, x := range []*contender{a, b, c} {
			close(x.release)
		}
		r := startRace(ctx, a, b, c)

		got := r.call.Wait(ctx)
		for _, want := range []error{errA, errB, errC} {
			Expect(got.err).To(MatchError(want), "All three functions failed: Race's error should match each of their "+
				"errors with errors.Is (errors.Join(errs...) does that). It does not match %q: %v. %s", want, got.err, harness.See("race"))
		}

		none := harness.Go("choose.Race[string](ctx)", func() error {
			_, err := choose.Race[string](ctx)
			return err
		}).Wait(ctx)
		Expect(none).To(MatchError(choose.ErrNoContenders), "Race with no function at all has nothing to wait for: it "+
			"should return ErrNoContenders at once. %s", harness.See("race"))
	}, harness.Timeout)

	It("returns the context's error when the context ends first, once every function has stopped", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a, b := newContender("a", "A", nil), newContender("b", "B", nil)
		r := startRace(ctx, a, b)

		r.allStarted(ctx)
		r.cancel()
		got := r.call.Wait(ctx)
		running := r.stillRunning()
		Expect(got.err).To(MatchError(context.Canceled), "The spec cancelled Race's context before any function "+
			"finished: Race should return ctx.Err(), context.Canceled. It returned (%q, %v). %s", got.value, got.err, harness.See("race"))
		Expect(running).To(BeEmpty(), "Race returned while functions %v were still running: it should stop them and "+
			"wait until they have returned. %s", running, harness.See("race"))
	}, harness.Timeout)

	It("returns the context's error when the context ends, even when the functions report their stop in words of their own", func(spec SpecContext) {
		ctx := harness.Context(spec)
		raceCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		started := make(chan string, 2)
		stopper := func(name string) func(context.Context) (string, error) {
			return func(ctx context.Context) (string, error) {
				started <- name
				<-ctx.Done()
				return "", errors.New(name + ": asked to stop, stopped") // does not wrap ctx.Err()
			}
		}
		c := harness.Go("choose.Race(ctx, a, b)", func() raceResult {
			v, err := choose.Race(raceCtx, stopper("a"), stopper("b"))
			return raceResult{v, err}
		})
		for range 2 {
			receiveWhile(ctx, c, started, "a function to be called", "Race should call every function at once. "+harness.See("race"))
		}
		cancel()
		got := c.Wait(ctx)
		Expect(got.err).To(MatchError(context.Canceled),
			"The spec cancelled Race's context while both functions ran; they stopped, each with an error of its own "+
				"that does not wrap the context's. Race should return ctx.Err(), context.Canceled: the caller's news is "+
				"that its context ended, not that every function failed. It returned (%q, %v). %s", got.value, got.err, harness.See("race"))
	}, harness.Timeout)
})
