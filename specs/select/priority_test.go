package select_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// Control messages are 1000 + k, data messages k: the spec can tell them
// apart in the order they were handled.
const controlBase = 1000

func isControl(m int) bool { return m >= controlBase }

// prioritize starts choose.Prioritize on a goroutine of the spec's. handle
// is called on that goroutine; the spec reads what it recorded only once the
// call has returned.
func prioritize(ctx context.Context, control, data chan int, handle func(int)) *harness.Call[error] {
	return harness.Go("choose.Prioritize(ctx, control, data, handle)", func() error {
		return choose.Prioritize(ctx, control, data, handle)
	})
}

// describeOrder renders handled messages as c0 d0 c1 ... for a failure.
func describeOrder(handled []int) string {
	var b []byte
	for i, m := range handled {
		if i == 40 {
			b = fmt.Appendf(b, " ... (%d in all)", len(handled))
			break
		}
		if i > 0 {
			b = append(b, ' ')
		}
		if isControl(m) {
			b = fmt.Appendf(b, "c%d", m-controlBase)
		} else {
			b = fmt.Appendf(b, "d%d", m)
		}
	}
	return string(b)
}

var _ = Describe("priority", Label("priority"), func() {
	It("handles every waiting control message before any data message, over 100 of each", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const n = 100
		control, data := make(chan int, n), make(chan int, n)
		for k := range n {
			control <- controlBase + k
			data <- k
		}
		close(control)
		close(data)

		var handled []int
		err := prioritize(ctx, control, data, func(m int) { handled = append(handled, m) }).Wait(ctx)
		Expect(err).NotTo(HaveOccurred(), "Both channels were closed once their messages were handled: Prioritize should return nil. %s", harness.See("priority"))
		Expect(handled).To(HaveLen(2*n), "200 messages were waiting: Prioritize should handle each exactly once. %s", harness.See("priority"))
		for i, m := range handled[:n] {
			if !isControl(m) {
				Fail(fmt.Sprintf("100 control and 100 data messages were all waiting from the start: the 100 control "+
					"messages should all come first. Message %d was data. Handled: %s\n\nA select with several ready "+
					"cases picks one at random, so a single select gets this right about half the time per message: "+
					"look at control alone first, with a select that has a default case, and wait on both only when "+
					"control is empty. %s", i, describeOrder(handled), harness.See("priority")))
			}
		}
	}, harness.Timeout)

	It("looks at control again after every message: a control message that comes while data waits goes first", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const n = 50
		control, data := make(chan int, n), make(chan int, n)
		for k := range n {
			data <- k
		}
		close(data)

		var handled []int
		err := prioritize(ctx, control, data, func(m int) {
			handled = append(handled, m)
			if !isControl(m) {
				control <- controlBase + m // an urgent message, while data messages still wait
				if m == n-1 {
					close(control)
				}
			}
		}).Wait(ctx)
		Expect(err).NotTo(HaveOccurred(), "Both channels were closed in the end: Prioritize should return nil. %s", harness.See("priority"))
		want := make([]int, 0, 2*n)
		for k := range n {
			want = append(want, k, controlBase+k)
		}
		Expect(handled).To(Equal(want), "Handling data message k put control message k on the control channel, while "+
			"data messages k+1... were waiting: each control message should be handled right after the data message "+
			"that sent it: d0 c0 d1 c1 ... Handled: %s\n\nDecide afresh at every message: control first, if it holds "+
			"one. %s", describeOrder(handled), harness.See("priority"))
	}, harness.Timeout)

	It("handles a control message even while no data comes", func(spec SpecContext) {
		ctx := harness.Context(spec)
		control, data := make(chan int), make(chan int)
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		handled := make(chan int, 1)
		c := prioritize(pctx, control, data, func(m int) { handled <- m })

		// Once Prioritize waits, with nothing on either channel, only the
		// select it blocks in can take the control message.
		settle(ctx, "No message was waiting: Prioritize should block, waiting on control and data at once. "+harness.See("priority"))
		if !sendTo(ctx, c, control, controlBase+7, "control message 7, while no data came",
			"Prioritize should wait on control and data at once, not on data alone. "+harness.See("priority")) {
			Fail(fmt.Sprintf("Prioritize returned %v before any message came. %s", c.Wait(ctx), harness.See("priority")))
		}
		m := harness.Receive(ctx, handled, "control message 7 to be handled", harness.See("priority"))
		Expect(m).To(Equal(controlBase+7), "The spec sent control message 7: handle should get it. %s", harness.See("priority"))
		cancel()
		Expect(c.Wait(ctx)).To(MatchError(context.Canceled), "The spec then cancelled the context: Prioritize should return ctx.Err(). %s", harness.See("priority"))
	}, harness.Timeout)

	It("blocks while no message is waiting, without spinning", func(spec SpecContext) {
		ctx := harness.Context(spec)
		control, data := make(chan int), make(chan int)
		handled := make(chan int, 1)
		c := prioritize(ctx, control, data, func(m int) { handled <- m })

		settle(ctx, "No message was waiting on either channel: Prioritize should block in a select that waits on "+
			"control, data and ctx.Done() together, and burn no CPU. A select with a default case never blocks: in a "+
			"loop, it spins. Keep the default case for the look at control alone, not for the wait. "+harness.See("priority"))
		if !sendTo(ctx, c, data, 3, "data message 3", harness.See("priority")) {
			Fail(fmt.Sprintf("Prioritize returned %v before any message came. %s", c.Wait(ctx), harness.See("priority")))
		}
		Expect(harness.Receive(ctx, handled, "data message 3 to be handled", harness.See("priority"))).To(Equal(3))
		close(control)
		close(data)
		Expect(c.Wait(ctx)).To(Succeed(), "Both channels were closed: Prioritize should return nil. %s", harness.See("priority"))
	}, harness.Timeout)

	It("switches a closed channel off, handles the rest of the other, and returns nil once both are closed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		control, data := make(chan int), make(chan int, 10)
		close(control)
		for k := range 10 {
			data <- k
		}
		close(data)
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()

		var handled []int
		c := prioritize(pctx, control, data, func(m int) { handled = append(handled, m) })
		harness.Receive(ctx, c.Done(), "Prioritize to return once both channels were closed and every message handled",
			"A receive from a closed channel succeeds at once, forever: unless you switch the closed control "+
				"channel's case off (set control to nil: a nil channel's case is never chosen), the look at control "+
				"finds it ready every time, and the loop spins there. "+harness.See("priority"))
		Expect(c.Wait(ctx)).To(Succeed(), "Both channels were closed: Prioritize should return nil. %s", harness.See("priority"))
		Expect(handled).To(Equal([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), "Control was closed from the start and data held "+
			"0...9: Prioritize should handle the ten data messages, in order, and nothing else (a closed channel's "+
			"zero value is not a message). %s", harness.See("priority"))
	}, harness.Timeout)

	It("returns the context's error, and handles nothing more, once the context has ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		control, data := make(chan int, 10), make(chan int, 10)
		for k := range 10 {
			control <- controlBase + k
			data <- k
		}
		ended, cancel := context.WithCancel(ctx)
		cancel()
		var handled []int
		err := prioritize(ended, control, data, func(m int) { handled = append(handled, m) }).Wait(ctx)
		Expect(err).To(MatchError(context.Canceled), "The context had ended before the call: Prioritize should return ctx.Err(). %s", harness.See("priority"))
		Expect(handled).To(BeEmpty(), "The context had ended before the call, yet Prioritize handled %s. Messages "+
			"waiting on a channel do not make an ended context any less ended: check ctx first at every turn, as "+
			"biased; lets a Tokio loop put its shutdown branch first. %s", describeOrder(handled), harness.See("priority"))

		midway, cancelMidway := context.WithCancel(ctx)
		defer cancelMidway()
		handled = nil
		err = prioritize(midway, control, data, func(m int) {
			handled = append(handled, m)
			if len(handled) == 3 {
				cancelMidway()
			}
		}).Wait(ctx)
		Expect(err).To(MatchError(context.Canceled), "The context ended while Prioritize handled its third message: it should return ctx.Err(). %s", harness.See("priority"))
		Expect(handled).To(HaveLen(3), "The context ended while Prioritize handled its third message: it should handle "+
			"nothing after it. It handled %s. %s", describeOrder(handled), harness.See("priority"))
	}, harness.Timeout)
})
