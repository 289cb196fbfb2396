package select_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/choose"
)

// relayResult is what Relay returned.
type relayResult struct {
	held []int
	err  error
}

// callRelay starts choose.Relay(ctx, in, out, capacity) on a goroutine of
// the spec's.
func callRelay(ctx context.Context, in, out chan int, capacity int) *harness.Call[relayResult] {
	return harness.Go(fmt.Sprintf("choose.Relay(ctx, in, out, %d)", capacity), func() relayResult {
		held, err := choose.Relay(ctx, in, out, capacity)
		return relayResult{held, err}
	})
}

var _ = Describe("cancel-safety", Label("cancel-safety"), func() {
	It("delivers every value in order, and returns nil once its input is closed and everything is delivered", func(spec SpecContext) {
		ctx := harness.Context(spec)
		in, out := make(chan int), make(chan int)
		c := callRelay(ctx, in, out, 3)
		values := make([]int, 100)
		for i := range values {
			values[i] = i
		}
		produce(in, values)

		var got []int
		for len(got) < len(values) {
			v := receiveWhile(ctx, c, out, fmt.Sprintf("value %d out of Relay", len(got)),
				"A producer sent 0...99 on in, then closed it: Relay should pass every value on. "+harness.See("cancel-safety"))
			got = append(got, v)
		}
		Expect(got).To(Equal(values), "A producer sent 0, 1, ..., 99: they should come out of Relay in that order, each once. %s", harness.See("cancel-safety"))
		res := c.Wait(ctx)
		Expect(res.err).NotTo(HaveOccurred(), "in was closed and every value delivered: Relay should return nil. %s", harness.See("cancel-safety"))
		Expect(res.held).To(BeEmpty(), "Every value was delivered: Relay has nothing to hand back. %s", harness.See("cancel-safety"))
	}, harness.Timeout)

	It("keeps taking values while nobody reads, up to its capacity", func(spec SpecContext) {
		ctx := harness.Context(spec)
		in, out := make(chan int), make(chan int)
		c := callRelay(ctx, in, out, 4)

		for v := range 4 {
			if !sendTo(ctx, c, in, v, fmt.Sprintf("value %d on in, while nobody read out", v),
				"Relay holds up to capacity (4) values: it should take them while out is not ready, in the same "+
					"select that offers the oldest one to out. A loop that receives one value, then waits to send "+
					"it, is no buffer at all. "+harness.See("cancel-safety")) {
				got := c.Wait(ctx)
				Fail(fmt.Sprintf("Relay returned (%v, %v) while in was open. %s", got.held, got.err, harness.See("cancel-safety")))
			}
		}
		for want := range 4 {
			v, _ := receive(ctx, out, fmt.Sprintf("value %d out of Relay", want), harness.See("cancel-safety"))
			Expect(v).To(Equal(want), "Relay took 0, 1, 2, 3: they should come out in that order. %s", harness.See("cancel-safety"))
		}
		close(in)
		res := c.Wait(ctx)
		Expect(res.err).NotTo(HaveOccurred(), "in was closed and every value delivered: Relay should return nil. %s", harness.See("cancel-safety"))
	}, harness.Timeout)

	It("stops taking values once it holds capacity of them", func(spec SpecContext) {
		ctx := harness.Context(spec)
		in, out := make(chan int), make(chan int)
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := callRelay(rctx, in, out, 2)
		for v := range 2 {
			sendTo(ctx, c, in, v, fmt.Sprintf("value %d on in", v), harness.See("cancel-safety"))
		}

		settle(ctx, "Relay held 2 values, its capacity, and nobody read out: it should block, waiting for out. "+harness.See("cancel-safety"))
		select {
		case in <- 2:
			Fail("Relay held 2 values, its capacity, and still took a third. A buffer that grows while nobody reads " +
				"has no bound: a fast producer fills the memory. While it is full, switch the receive case off (a nil " +
				"channel's case is never chosen), and the producer waits: that is backpressure. " + harness.See("cancel-safety"))
		default:
		}
		v, _ := receive(ctx, out, "value 0 out of Relay", harness.See("cancel-safety"))
		Expect(v).To(Equal(0), "Relay held 0 and 1: 0 should come out first. %s", harness.See("cancel-safety"))
		sendTo(ctx, c, in, 2, "value 2 on in, now that Relay had room again",
			"Once a value went out, Relay has room: it should take the next. "+harness.See("cancel-safety"))
		cancel()
		res := c.Wait(ctx)
		Expect(res.held).To(Equal([]int{1, 2}), "Relay held 1 and 2 when its context ended: it should hand them back. %s", harness.See("cancel-safety"))
	}, harness.Timeout)

	It("never loses a value it received when the context ends: it hands them back, in order", func(spec SpecContext) {
		ctx := harness.Context(spec)
		in, out := make(chan int), make(chan int)
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := callRelay(rctx, in, out, 5)
		for v := range 4 {
			sendTo(ctx, c, in, v, fmt.Sprintf("value %d on in", v), harness.See("cancel-safety"))
		}
		v, _ := receive(ctx, out, "value 0 out of Relay", harness.See("cancel-safety"))
		Expect(v).To(Equal(0), "Relay took 0, 1, 2, 3: 0 should come out first. %s", harness.See("cancel-safety"))

		cancel()
		res := c.Wait(ctx)
		Expect(res.err).To(MatchError(context.Canceled), "The spec cancelled Relay's context: Relay should return ctx.Err(). %s", harness.See("cancel-safety"))
		Expect(res.held).To(Equal([]int{1, 2, 3}), "Relay had taken 0, 1, 2, 3 and delivered 0 when its context ended. "+
			"It returned %v: 1, 2 and 3 were received, so the sender let go of them, and Relay is the only one left "+
			"who has them. Return them, in order, with ctx.Err(). A loop around select is cancellation-safe only if "+
			"what one turn received survives the turn on which the context wins. %s", res.held, harness.See("cancel-safety"))
	}, harness.Timeout)

	It("counts a capacity of 0 or less as 1: it takes one value while nobody reads, and no more", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, capacity := range []int{0, -3} {
			in, out := make(chan int), make(chan int)
			rctx, cancel := context.WithCancel(ctx)
			c := callRelay(rctx, in, out, capacity)
			if !sendTo(ctx, c, in, 7, fmt.Sprintf("value 7 on in, to Relay with capacity %d, while nobody read out", capacity),
				"A capacity below 1 counts as 1: Relay should hold one value. With a capacity of 0 taken as it is, the "+
					"receive case is switched off for good and nothing ever moves. "+harness.See("cancel-safety")) {
				Fail(fmt.Sprintf("Relay with capacity %d returned %+v before taking a value. %s", capacity, c.Wait(ctx), harness.See("cancel-safety")))
			}
			settle(ctx, fmt.Sprintf("Relay (capacity %d) held one value and nobody read out: it should block. %s", capacity, harness.See("cancel-safety")))
			select {
			case in <- 8:
				Fail(fmt.Sprintf("Relay with capacity %d took a second value while it still held the first: a capacity below 1 "+
					"counts as 1. %s", capacity, harness.See("cancel-safety")))
			default:
			}
			v, _ := receive(ctx, out, "value 7 out of Relay", harness.See("cancel-safety"))
			Expect(v).To(Equal(7), "Relay held 7: it should deliver it. %s", harness.See("cancel-safety"))
			cancel()
			res := c.Wait(ctx)
			Expect(res.err).To(MatchError(context.Canceled), "The spec cancelled Relay's context. %s", harness.See("cancel-safety"))
			Expect(res.held).To(BeEmpty(), "Relay had delivered everything it took. %s", harness.See("cancel-safety"))
		}
	}, harness.Timeout)

	It("leaves out open when it returns: out belongs to the consumer's side", func(spec SpecContext) {
		ctx := harness.Context(spec)
		in, out := make(chan int), make(chan int, 1)
		c := callRelay(ctx, in, out, 2)
		sendTo(ctx, c, in, 1, "value 1 on in", harness.See("cancel-safety"))
		close(in)
		res := c.Wait(ctx)
		Expect(res.err).NotTo(HaveOccurred(), "in was closed and its one value delivered: Relay should return nil. %s", harness.See("cancel-safety"))
		Expect(<-out).To(Equal(1), "Relay should have delivered 1 on out. %s", harness.See("cancel-safety"))
		select {
		case _, ok := <-out:
			Expect(ok).To(BeTrue(), "Relay returned and out was closed: Relay does not close out, its doc says so. Whoever "+
				"made out may have other senders, or may relay into it again; closing it makes their next send panic. %s",
				harness.See("cancel-safety"))
		default:
		}
	}, harness.Timeout)
})
