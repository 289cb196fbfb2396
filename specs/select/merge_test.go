package select_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// callMerge calls choose.Merge(ctx, chs...) on a goroutine of the spec's and
// returns its channel.
func callMerge(ctx context.Context, chs ...chan int) <-chan int {
	GinkgoHelper()
	args := make([]<-chan int, len(chs))
	for i, ch := range chs {
		args[i] = ch
	}
	what := fmt.Sprintf("choose.Merge(ctx, %d channels)", len(chs))
	out := harness.Go(what, func() <-chan int { return choose.Merge(ctx, args...) }).Wait(ctx)
	Expect(out).NotTo(BeNil(), "%s returned a nil channel: a receive from it would block forever. %s", what, harness.See("merge"))
	return out
}

// produce sends values on ch from a goroutine of the spec's, then closes
// ch. It gives up, without closing ch, when the spec ends.
func produce(ch chan<- int, values []int) {
	stop := make(chan struct{})
	done := harness.Do(fmt.Sprintf("a producer sending %d values", len(values)), func() {
		for _, v := range values {
			select {
			case ch <- v:
			case <-stop:
				return
			}
		}
		close(ch)
	})
	harness.DeferCleanup(func(ctx context.Context) {
		close(stop)
		done.Wait(ctx)
	})
}

// drain receives from out until it is closed, and returns what came.
func drain(ctx context.Context, out <-chan int, why string) []int {
	GinkgoHelper()
	var got []int
	for {
		v, ok := receive(ctx, out, fmt.Sprintf("Merge's channel to be closed (after %d values)", len(got)), why)
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

var _ = Describe("merge", Label("merge"), func() {
	It("forwards every value of every input, none lost and none duplicated", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const inputs, each = 3, 200
		chs := channels(inputs, 0)
		out := callMerge(ctx, chs...)
		for i, ch := range chs {
			values := make([]int, each)
			for k := range values {
				values[k] = i*1000 + k
			}
			produce(ch, values)
		}

		got := drain(ctx, out, "Three producers each sent 200 values and closed their channel: Merge should forward "+
			"them all, then close its own channel. "+harness.See("merge"))
		perInput := make([][]int, inputs)
		for _, v := range got {
			if i := v / 1000; i >= 0 && i < inputs {
				perInput[i] = append(perInput[i], v%1000)
			}
		}
		want := make([]int, each)
		for k := range want {
			want[k] = k
		}
		for i := range inputs {
			Expect(perInput[i]).To(Equal(want), "Input %d carried 0, 1, ..., 199 (sent as %d000 + k): out of Merge's "+
				"channel they should come, each exactly once, in the order they went in. %d values came in all, of 600. %s",
				i, i, len(got), harness.See("merge"))
		}
	}, harness.Timeout)

	It("stays open while any input is open, and closes once the last one closes", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(3, 0)
		out := callMerge(ctx, chs...)

		close(chs[0])
		close(chs[1])
		settle(ctx, "The spec closed inputs 0 and 1 of three: Merge should go on waiting on input 2. "+harness.See("merge"))
		waitCtx, cancel := within(ctx, 0.9)
		defer cancel()
		select {
		case chs[2] <- 5:
		case v, ok := <-out:
			if !ok {
				Fail("The spec closed inputs 0 and 1 of three: Merge closed its own channel, though input 2 was still " +
					"open. One input closing does not end the merge: switch its case off (the nil-channel idiom, or " +
					"let its goroutine end) and go on with the others; close the output only once the last input " +
					"is closed. " + harness.See("merge"))
			}
			Fail(fmt.Sprintf("Merge sent %d, though nobody had sent anything on its inputs. %s", v, harness.See("merge")))
		case <-waitCtx.Done():
			Fail("The spec tried to send 5 on input 2, the one still open: Merge never took it. " + harness.See("merge"))
		}
		v, ok := receive(ctx, out, "5 to come out of Merge's channel", harness.See("merge"))
		Expect(ok).To(BeTrue(), "Input 2 was still open and carried 5: Merge closed its channel instead of forwarding it. %s", harness.See("merge"))
		Expect(v).To(Equal(5), "The spec sent 5 on input 2: Merge should forward 5. %s", harness.See("merge"))

		close(chs[2])
		v, ok = receive(ctx, out, "Merge's channel to be closed once its last input was",
			"Every input is closed: nothing more can come, and whoever ranges over Merge's channel waits for it to "+
				"be closed. Close it once the last input is closed. "+harness.See("merge"))
		Expect(ok).To(BeFalse(), "Every input was closed, yet Merge sent %d. %s", v, harness.See("merge"))
	}, harness.Timeout)

	It("with no input at all, returns a channel that is already closed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		out := callMerge(ctx)
		v, ok := receive(ctx, out, "the channel of Merge with no input to be closed",
			"With no input, nothing can ever come: Merge's channel should be closed at once, so that a range over it ends. "+harness.See("merge"))
		Expect(ok).To(BeFalse(), "Merge with no input sent %d. %s", v, harness.See("merge"))
	}, harness.Timeout)

	It("blocks while its inputs are idle, then closes its channel when the context ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(2, 0)
		mergeCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		out := callMerge(mergeCtx, chs...)

		settle(ctx, "Merge's inputs were open and empty: its goroutines should block in a select, and burn no CPU. "+harness.See("merge"))
		cancel()
		got := drain(ctx, out, "The spec cancelled Merge's context while its inputs were open and idle: Merge should "+
			"stop and close its channel, or whoever reads it waits forever. "+harness.See("merge"))
		Expect(got).To(BeEmpty(), "Nobody sent anything, yet Merge sent %v. %s", got, harness.See("merge"))
	}, harness.Timeout)

	It("lets every goroutine it started go when the context ends, even if nobody reads its channel", func(spec SpecContext) {
		ctx := harness.Context(spec)
		chs := channels(2, 1)
		chs[0] <- 1
		chs[1] <- 2
		mergeCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		callMerge(mergeCtx, chs...)

		settle(ctx, "Merge had values to forward and nobody read its channel: it should block, waiting for a reader. "+harness.See("merge"))
		cancel()
		settle(ctx, "The spec cancelled Merge's context. "+harness.See("merge"))
		if left := harness.GoroutinesStartedBy(learnerPackage); len(left) > 0 {
			Fail(fmt.Sprintf("Merge held a value nobody would read, and the spec cancelled its context. These goroutines "+
				"of Merge's are still there, blocked:\n%sA send nobody receives blocks forever: send in a select that "+
				"also waits on ctx.Done(). %s", harness.ListGoroutinesStartedBy(learnerPackage), harness.See("merge")))
		}
	}, harness.Timeout)

	It("treats a nil input as switched off: it closes once the other inputs are closed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		a := make(chan int)
		out := callMerge(ctx, nil, a, nil)
		produce(a, []int{1, 2, 3})
		Expect(drain(ctx, out, "Merge was given a nil input, a, and another nil input; a sent 1, 2, 3 and was closed. "+
			"A nil channel never sends and never closes: it is a case switched off from the start, and Merge should "+
			"close its channel once every other input is closed, not wait for the nil ones. "+harness.See("merge"))).To(Equal([]int{1, 2, 3}),
			"a sent 1, 2, 3: they should all come out of Merge, in order. %s", harness.See("merge"))

		only := callMerge(ctx, nil)
		_, ok := receive(ctx, only, "Merge(ctx, nil)'s channel to be closed",
			"Merge was given one input, nil: no value can ever come, and its channel should be closed at once. "+harness.See("merge"))
		Expect(ok).To(BeFalse(), "Merge(ctx, nil) sent a value: a nil channel carries none. %s", harness.See("merge"))
	}, harness.Timeout)
})
