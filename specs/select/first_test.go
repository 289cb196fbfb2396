package select_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// firstResult is what First returned.
type firstResult struct {
	value int
	from  int
	err   error
}

func (r firstResult) String() string {
	return fmt.Sprintf("(value %d, from %d, err %v)", r.value, r.from, r.err)
}

// callFirst starts choose.First(ctx, chs...) on a goroutine of the spec's.
func callFirst(ctx context.Context, chs ...chan int) *harness.Call[firstResult] {
	args := make([]<-chan int, len(chs))
	for i, ch := range chs {
		args[i] = ch
	}
	return harness.Go(fmt.Sprintf("choose.First(ctx, %d channels)", len(chs)), func() firstResult {
		v, from, err := choose.First(ctx, args...)
		return firstResult{v, from, err}
	})
}

// channels makes n channels of the given buffer size.
func channels(n, size int) []chan int {
	chs := make([]chan int, n)
	for i := range chs {
		chs[i] = make(chan int, size)
	}
	return chs
}

var _ = Describe("first", Label("first"), func() {
	It("returns the value that is ready, and the index of its channel", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(3, 1)
		chs[1] <- 42

		got := callFirst(ctx, chs...).Wait(ctx)
		Expect(got).To(Equal(firstResult{42, 1, nil}),
			"Of three channels, only the second (index 1) held a value, 42: First should return (42, 1, nil). It returned %v. %s",
			got, harness.See("first"))
	}, harness.Timeout)

	It("blocks while nothing is ready, without spinning, and returns the first value that comes", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(3, 0)
		c := callFirst(ctx, chs...)

		settle(ctx, "Nothing was ready on any of the three channels: First should block, in a select that waits on all "+
			"of them at once (reflect.Select for a slice of channels), and burn no CPU. A loop that looks at each "+
			"channel with a select that has a default case spins: it keeps a core busy doing nothing. "+harness.See("first"))
		if c.Returned() {
			Fail(fmt.Sprintf("Nothing was ready on any channel, yet First returned %v. It should wait. %s", c.Wait(ctx), harness.See("first")))
		}
		if !sendTo(ctx, c, chs[2], 7, "7 on the third channel (index 2)", "First should be receiving from every channel. "+harness.See("first")) {
			Fail(fmt.Sprintf("First returned %v before a value came. It should wait for one. %s", c.Wait(ctx), harness.See("first")))
		}
		got := c.Wait(ctx)
		Expect(got).To(Equal(firstResult{7, 2, nil}),
			"The spec sent 7 on the channel of index 2: First should return (7, 2, nil). It returned %v. %s", got, harness.See("first"))
	}, harness.Timeout)

	It("takes one value only: the other ready channels keep theirs", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(3, 1)
		for i, ch := range chs {
			ch <- 10 + i
		}

		got := callFirst(ctx, chs...).Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "Three channels held a value each: First should return one of them, not an error. %s", harness.See("first"))
		Expect(got.from).To(BeElementOf(0, 1, 2), "First's index should say which channel the value came from: 0, 1 or 2. It returned %v. %s", got, harness.See("first"))
		Expect(got.value).To(Equal(10+got.from), "Channel %d held %d: First returned %v, a value that did not come from the channel it named. %s",
			got.from, 10+got.from, got, harness.See("first"))
		for i, ch := range chs {
			if i == got.from {
				continue
			}
			Expect(ch).To(HaveLen(1), "First took its value from channel %d, but channel %d lost its value too: a select "+
				"takes one value, from the case it picks, and nothing from the others. (Goroutines that each receive "+
				"from one channel take values that nobody will ever read.) %s", got.from, i, harness.See("first"))
		}
	}, harness.Timeout)

	It("returns the context's error when the context ends first", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(2, 0)
		firstCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := callFirst(firstCtx, chs...)

		cancel()
		got := c.Wait(ctx)
		Expect(got.err).To(MatchError(context.Canceled),
			"The spec cancelled First's context while no value was ready: First should return ctx.Err(), context.Canceled. It returned %v. %s",
			got, harness.See("first"))
		Expect(got.from).To(Equal(-1), "With an error, First's index should be -1: no channel gave a value. %s", harness.See("first"))
	}, harness.Timeout)

	It("skips a closed channel: closed is not a value", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(2, 0)
		close(chs[0])
		c := callFirst(ctx, chs...)

		settle(ctx, "Channel 0 was closed and channel 1 open and empty: First should be waiting on channel 1. "+harness.See("first"))
		if c.Returned() || !sendTo(ctx, c, chs[1], 9, "9 on the open channel (index 1)", "") {
			Fail(fmt.Sprintf("Channel 0 was closed and channel 1 open and empty: First returned %v at once. A receive from a "+
				"closed channel succeeds at once with the zero value and ok == false: that is not a value. First should "+
				"switch the closed channel's case off (the nil-channel idiom) and go on waiting on the others. %s",
				c.Wait(ctx), harness.See("first")))
		}
		got := c.Wait(ctx)
		Expect(got).To(Equal(firstResult{9, 1, nil}),
			"Channel 0 was closed; the spec then sent 9 on channel 1: First should return (9, 1, nil). It returned %v. %s", got, harness.See("first"))
	}, harness.Timeout)

	It("returns ErrAllClosed once every channel is closed, or when it has none", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := callFirst(ctx).Wait(ctx)
		Expect(got.err).To(MatchError(choose.ErrAllClosed),
			"First with no channel at all can never receive anything: it should return ErrAllClosed at once. It returned %v. %s", got, harness.See("first"))

		chs := channels(2, 0)
		close(chs[0])
		c := callFirst(ctx, chs...)
		settle(ctx, "Channel 0 was closed and channel 1 open: First should be waiting on channel 1. "+harness.See("first"))
		if c.Returned() {
			Fail(fmt.Sprintf("Channel 1 was still open, yet First returned %v. It should wait for it. %s", c.Wait(ctx), harness.See("first")))
		}

		close(chs[1])
		got = c.Wait(ctx)
		Expect(got.err).To(MatchError(choose.ErrAllClosed),
			"The spec closed channel 1 too: now every channel is closed and First should return ErrAllClosed "+
				"(tokio::select!'s else branch). It returned %v. %s", got, harness.See("first"))
		Expect(got.from).To(Equal(-1), "With an error, First's index should be -1. %s", harness.See("first"))
	}, harness.Timeout)

	It("is fair: when several channels are always ready, each of them wins sometimes", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const calls = 100
		chs := channels(2, calls)
		for i := range calls {
			chs[0] <- i
			chs[1] <- i
		}
		wins := harness.Go(fmt.Sprintf("choose.First(ctx, 2 ready channels), %d times", calls), func() [2]int {
			var wins [2]int
			for range calls {
				_, from, err := choose.First(ctx, chs[0], chs[1])
				if err != nil || from < 0 || from > 1 {
					return wins
				}
				wins[from]++
			}
			return wins
		}).Wait(ctx)
		Expect(wins[0]+wins[1]).To(Equal(calls), "Each of %d calls should take a value from one of the two channels, "+
			"which never ran dry. %s", calls, harness.See("first"))
		Expect(wins[0]).To(And(BeNumerically(">", 0), BeNumerically("<", calls)),
			"Both channels held a value at each of %d calls: channel 0 won %d times, channel 1 %d times. Like select, "+
				"First should pick at random among the ready channels (reflect.Select does), so that a busy channel "+
				"cannot starve the others. (A fair coin gives a score this lopsided once in 2^99.) %s",
			calls, wins[0], wins[1], harness.See("first"))
	}, harness.Timeout)

	It("treats a nil channel as a case switched off from the start: it waits on the others, and nil channels alone are ErrAllClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(3, 0)
		chs[0] = nil
		c := callFirst(ctx, chs...)
		settle(ctx, "Channel 0 was nil, channels 1 and 2 open and empty: First should be waiting on 1 and 2. "+harness.See("first"))
		if c.Returned() || !sendTo(ctx, c, chs[2], 5, "5 on channel 2, with channel 0 nil", "") {
			Fail(fmt.Sprintf("Channel 0 was nil and the others open and empty: First returned %v without waiting. A nil "+
				"channel is a case switched off: never chosen, and not a reason to stop. %s", c.Wait(ctx), harness.See("first")))
		}
		Expect(c.Wait(ctx)).To(Equal(firstResult{5, 2, nil}),
			"Channel 0 was nil; the spec sent 5 on channel 2: First should return (5, 2, nil). %s", harness.See("first"))

		nilAndClosed := channels(2, 0)
		nilAndClosed[0] = nil
		close(nilAndClosed[1])
		for _, tc := range []struct {
			what string
			chs  []chan int
		}{{"two nil channels", []chan int{nil, nil}}, {"a nil channel and a closed one", nilAndClosed}} {
			c := callFirst(ctx, tc.chs...)
			settle(ctx, "")
			if !c.Returned() {
				Fail(fmt.Sprintf("First was given %s: no value can ever come, and First should return ErrAllClosed at "+
					"once. It went on waiting instead. Count a nil channel as switched off from the start: it "+
					"never closes, so a loop that waits for every channel to close never ends. %s", tc.what, harness.See("first")))
			}
			got := c.Wait(ctx)
			Expect(got.err).To(MatchError(choose.ErrAllClosed),
				"First was given %s: it should return ErrAllClosed. It returned %v. %s", tc.what, got, harness.See("first"))
			Expect(got.from).To(Equal(-1), "With an error, First's index should be -1. %s", harness.See("first"))
		}
	}, harness.Timeout)

	It("returns a nil interface value like any other value, with the index of its channel", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := []chan error{make(chan error, 1), make(chan error, 1)}
		chs[1] <- nil
		c := harness.Go("choose.First[error](ctx, a, b), with a nil error waiting on b", func() firstErrResult {
			v, from, err := choose.First(ctx, (<-chan error)(chs[0]), (<-chan error)(chs[1]))
			return firstErrResult{v, from, err}
		})
		got := c.Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "A value (a nil error) waited on channel 1: First should return it, not an error. %s", harness.See("first"))
		Expect(got.from).To(Equal(1), "The nil error came from channel 1. %s", harness.See("first"))
		Expect(got.value).To(BeNil(), "The value that came was a nil error: First should return it as it is. %s", harness.See("first"))
	}, harness.Timeout)
})

// firstErrResult is what First over channels of error returned.
type firstErrResult struct {
	value error
	from  int
	err   error
}
