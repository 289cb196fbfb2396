package timers_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/internal/harness/testdata/course/solutions/fxtimers"
)

var _ = Describe("work", Label("work"), func() {
	It("stops its timer", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.Do("Tidy(clk)", func() { fxtimers.Tidy(clk) }).Wait(ctx)
	}, harness.Timeout)

	It("forgets a ticker", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.Do("ForgetTicker(clk)", func() { fxtimers.ForgetTicker(clk) }).Wait(ctx)
	}, harness.Timeout)

	It("forgets a cancel", func(ctx SpecContext) {
		clk := harness.Watch(clock.NewFake())
		harness.Go("ForgetCancel(ctx, clk)", func() error { return fxtimers.ForgetCancel(context.Background(), clk) }).Wait(ctx)
	}, harness.Timeout)

	It("stops its timer on a goroutine that ends after it returned", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.Do("StopLater(clk)", func() { fxtimers.StopLater(clk) }).Wait(ctx)
	}, harness.Timeout)

	It("may leave a ticker when the spec allows it", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.AllowPendingTimers(clk, "the fixture says so")
		harness.Do("ForgetTicker(clk)", func() { fxtimers.ForgetTicker(clk) }).Wait(ctx)
	}, harness.Timeout)

	It("does not blame learner code for the spec's own timers", func(ctx SpecContext) {
		clk := harness.NewClock()
		clk.NewTimer(time.Minute)
		clk.AfterFunc(time.Minute, func() {})
	}, harness.Timeout)

	It("fails, then leaves a ticker armed: the failure is the verdict", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.Do("ForgetTicker(clk)", func() { fxtimers.ForgetTicker(clk) }).Wait(ctx)
		Fail("the value returned was wrong")
	}, harness.Timeout)

	It("does not check a clock it was not given", func(ctx SpecContext) {
		clk := clock.NewFake()
		harness.Do("ForgetTicker(clk)", func() { fxtimers.ForgetTicker(clk) }).Wait(ctx)
	}, harness.Timeout)

	It("names the line that set a deadline on a connection left open", func(ctx SpecContext) {
		clk := harness.NewClock()
		a, b := memnet.New(memnet.WithClock(clk)).Pipe()
		DeferCleanup(b.Close)
		harness.Do("SetDeadline(conn, clk)", func() { fxtimers.SetDeadline(a, clk) }).Wait(ctx)
	}, harness.Timeout)

	It("checks each spec's clocks afresh", func(ctx SpecContext) {
		clk := harness.NewClock()
		harness.Do("Tidy(clk)", func() { fxtimers.Tidy(clk) }).Wait(ctx)
	}, harness.Timeout)
})
