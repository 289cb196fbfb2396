package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/executor"
)

var _ = Describe("shutdown", Label("shutdown"), func() {
	It("refuses new tasks with ErrClosed once shut down", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})

		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed(),
			"An idle executor should shut down at once, with a nil error. %s", harness.See("shutdown"))
		Expect(harness.Go("e.Spawn(ctx, task) after Shutdown", func() error { return e.Spawn(ctx, func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrClosed), "After Shutdown, Spawn should refuse with ErrClosed. %s", harness.See("shutdown"))
		Expect(harness.Go("e.TrySpawn(task) after Shutdown", func() error { return e.TrySpawn(func(context.Context) {}) }).Wait(ctx)).
			To(MatchError(executor.ErrClosed), "After Shutdown, TrySpawn should refuse with ErrClosed. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("lets the queued tasks finish before returning", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 3, Clock: clk})
		var mu sync.Mutex
		var done []int
		for i := range 3 {
			spawn(ctx, e, func(context.Context) {
				clk.Sleep(time.Second)
				mu.Lock()
				done = append(done, i)
				mu.Unlock()
			})
		}

		stop := shutdown(e, "10*time.Second", func() error { return e.Shutdown(10 * time.Second) })
		for i := range 3 {
			stop.WaitFor(ctx, "the lane to run queued task "+string(rune('1'+i))+" (it sleeps one second)", func(ctx context.Context) error {
				return clk.WaitForSleepers(ctx, 1)
			})
			clk.Advance(time.Second)
		}
		Expect(stop.Wait(ctx, clk)).To(Succeed(),
			"Every queued task finished within the deadline: Shutdown should return nil. %s", harness.See("shutdown"))
		mu.Lock()
		defer mu.Unlock()
		Expect(done).To(Equal([]int{0, 1, 2}), "Shutdown should let every queued task run. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("cancels the running tasks when the deadline passes, and returns only after every lane exited", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})

		cancelled := make(chan struct{}, 2)
		release := make(chan struct{})
		// finishedAt is written by the tasks as their very last step and
		// read by the spec without a lock once Shutdown has returned: that
		// is only safe (and only complete) if Shutdown waited for the lanes.
		var finished [2]bool
		for i := range 2 {
			spawn(ctx, e, func(taskCtx context.Context) {
				<-taskCtx.Done()
				cancelled <- struct{}{}
				<-release
				finished[i] = true
			})
		}

		stop := shutdown(e, "5*time.Second", func() error { return e.Shutdown(5 * time.Second) })
		stop.WaitFor(ctx, "Shutdown to arm its five-second deadline on the executor's clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, 5*time.Second)
		})
		clk.Advance(5*time.Second - time.Nanosecond)
		Expect(cancelled).NotTo(Receive(), "A task was cancelled before the shutdown deadline. %s", harness.See("shutdown"))
		clk.Advance(time.Nanosecond)
		for range 2 {
			harness.Receive(ctx, cancelled, "the running tasks' context to be cancelled at the deadline",
				"Shutdown should cancel the context the tasks received (e.cancel()) when the deadline passes. "+harness.See("shutdown"))
		}
		close(release)

		Expect(stop.Wait(ctx, clk)).To(MatchError(executor.ErrShutdownTimeout),
			"Shutdown had to cancel running tasks: it should say so with ErrShutdownTimeout. %s", harness.See("shutdown"))
		Expect(finished).To(Equal([2]bool{true, true}),
			"Shutdown returned while tasks were still running: it must wait until every lane has exited, "+
				"even after cancelling. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("a second Shutdown is harmless: it returns ErrClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})

		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(Succeed())
		Expect(shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) }).Wait(ctx, clk)).To(MatchError(executor.ErrClosed),
			"A second Shutdown must not close a channel twice (that panics): it should return ErrClosed. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("a Spawn waiting for room when Shutdown starts gives up with ErrClosed, and the queued task still runs", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		ran := make(chan int, 1)
		holder := fill(ctx, e, 1, ran)

		const waiting = 8
		var refusedRan atomic.Int32
		spawns := make([]*harness.Call[error], waiting)
		for i := range spawns {
			spawns[i] = harness.Go("e.Spawn(ctx, task) on a full queue", func() error {
				return e.Spawn(ctx, func(context.Context) { refusedRan.Add(1) })
			})
		}
		spawns[0].WaitFor(ctx, fmt.Sprintf("%d calls of Spawn to be blocked, waiting for room in the full queue", waiting),
			blockedIn(waiting, "(*Executor).Spawn"))

		stop := shutdown(e, "10*time.Second", func() error { return e.Shutdown(10 * time.Second) })
		for i, call := range spawns {
			Expect(call.Wait(ctx, clk)).To(MatchError(executor.ErrClosed),
				"Spawn #%d was waiting for room in a full queue when Shutdown started; the lane was still busy. "+
					"It should have given up with ErrClosed: Shutdown closes e.closing, and a waiting Spawn's select "+
					"watches it. Shutdown must also wait for those Spawns to leave (e.senders) before it closes the queue, "+
					"or they send on a closed channel. %s", i+1, harness.See("shutdown"))
		}
		Expect(stop.Returned()).To(BeFalse(),
			"Shutdown returned while a task still held the only lane. %s", harness.See("shutdown"))

		close(holder.released)
		Expect(stop.Wait(ctx, clk)).To(Succeed(),
			"The task holding the lane finished well before the deadline: Shutdown should return nil. %s", harness.See("shutdown"))
		Expect(ran).To(Receive(Equal(0)), "The task queued before Shutdown never ran: Shutdown lets the queue drain. %s", harness.See("shutdown"))
		Expect(refusedRan.Load()).To(BeZero(), "A task whose Spawn returned ErrClosed ran anyway. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("a second Shutdown while the first is draining waits until the lanes exited, then returns ErrClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		holder := occupy(ctx, e)

		first := shutdown(e, "10*time.Second", func() error { return e.Shutdown(10 * time.Second) })
		first.WaitFor(ctx, "the first Shutdown to arm its ten-second deadline", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, 10*time.Second)
		})
		second := shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) })
		second.WaitFor(ctx, "the second Shutdown to wait (a task still holds the lane, so the lanes have not exited)",
			blockedIn(2, "(*Executor).Shutdown"))
		Expect(first.Returned()).To(BeFalse(), "The first Shutdown returned while a task still held the lane. %s", harness.See("shutdown"))

		close(holder.released)
		Expect(first.Wait(ctx, clk)).To(Succeed(),
			"The task finished before the first Shutdown's deadline, and a second Shutdown came meanwhile: the first "+
				"should still return nil. %s", harness.See("shutdown"))
		Expect(second.Wait(ctx, clk)).To(MatchError(executor.ErrClosed),
			"A second Shutdown, called while the first was draining, should wait for the lanes to exit, then return ErrClosed. %s",
			harness.See("shutdown"))
	}, harness.Timeout)

	It("a second Shutdown with a shorter timeout does not cut the first one's drain short", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 1, Queue: 1, Clock: clk})
		contexts := make(chan context.Context, 1)
		release := make(chan struct{})
		spawn(ctx, e, func(taskCtx context.Context) {
			contexts <- taskCtx
			select {
			case <-release:
			case <-taskCtx.Done():
			}
		})
		taskCtx := harness.Receive(ctx, contexts, "the task to start", harness.See("lanes"))

		first := shutdown(e, "10*time.Second", func() error { return e.Shutdown(10 * time.Second) })
		first.WaitFor(ctx, "the first Shutdown to arm its ten-second deadline", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, 10*time.Second)
		})
		second := shutdown(e, "time.Second", func() error { return e.Shutdown(time.Second) })
		second.WaitFor(ctx, "the second Shutdown to wait (a task still holds the lane)", blockedIn(2, "(*Executor).Shutdown"))
		clk.Advance(time.Second)
		second.WaitFor(ctx, "both Shutdowns to be waiting still, once the clock moved past the second one's timeout of one "+
			"second: the first Shutdown's deadline is ten seconds, and a second Shutdown does no harm (it must not cancel "+
			"the tasks at a deadline of its own)", blockedIn(2, "(*Executor).Shutdown"))
		Expect(taskCtx.Err()).NotTo(HaveOccurred(),
			"The clock moved one second: the second Shutdown's timeout, not the first one's. The task's context was "+
				"cancelled all the same. Only the first Shutdown owns the deadline; a second one just waits for the lanes "+
				"to exit and returns ErrClosed. %s", harness.See("shutdown"))

		close(release)
		Expect(first.Wait(ctx, clk)).To(Succeed(), "The task finished within the first Shutdown's ten seconds. %s", harness.See("shutdown"))
		Expect(second.Wait(ctx, clk)).To(MatchError(executor.ErrClosed))
	}, harness.Timeout)

	It("leaves no timer armed on the executor's clock once it has returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})
		for range 2 {
			spawn(ctx, e, func(context.Context) { clk.Sleep(time.Second) })
		}
		stop := shutdown(e, "time.Minute", func() error { return e.Shutdown(time.Minute) })
		stop.WaitFor(ctx, "Shutdown to arm its one-minute deadline while two tasks sleep one second", func(ctx context.Context) error {
			return clk.WaitUntil(ctx, "a one-minute deadline and two sleepers", func(ps []clock.Pending) bool {
				deadline, sleepers := false, 0
				for _, p := range ps {
					deadline = deadline || p.Duration == time.Minute
					if p.Kind == clock.KindSleep {
						sleepers++
					}
				}
				return deadline && sleepers == 2
			})
		})
		clk.Advance(time.Second)
		Expect(stop.Wait(ctx, clk)).To(Succeed(), "Both tasks finished after one second of a one-minute deadline. %s", harness.See("shutdown"))
		Expect(clk.Pending()).To(BeEmpty(),
			"Shutdown returned, but its deadline is still armed on the executor's clock: a timer that is no longer "+
				"needed must be stopped (defer timer.Stop()), or it holds its memory, and its callback, until it fires. "+
				"The clock says:\n%s %s", clk, harness.See("shutdown"))
	}, harness.Timeout)

	It("measures its deadline on the real clock when Config.Clock is nil", func(spec SpecContext) {
		ctx := harness.Context(spec)
		e := start(ctx, executor.Config{Lanes: 2, Queue: 0})
		ran := make(chan struct{})
		spawn(ctx, e, func(context.Context) { close(ran) })
		harness.Receive(ctx, ran, "the task to run", "")
		Expect(shutdown(e, "time.Hour", func() error { return e.Shutdown(time.Hour) }).Wait(ctx)).To(Succeed(),
			"An idle executor built without a Clock should shut down at once with nil. A nil Config.Clock means "+
				"clock.Real(): New must put that in place of nil, or Shutdown has no clock to arm its deadline on. %s",
			harness.See("lanes"))
	}, harness.Timeout)

	It("Spawn and TrySpawn racing Shutdown: every task is either accepted and run, or refused with ErrClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		// Rounds of spawners that keep spawning while Shutdown starts, with
		// -race watching: a Spawn that registers with e.senders too late, a
		// queue closed while a Spawn can still send, a counter bumped
		// without the lock, a task dropped on the floor.
		// Up to 50 rounds, at least 10: a loaded machine runs fewer rather
		// than running out of budget.
		const spawners = 6
		for round := range harness.Rounds(10, 50) {
			clk := harness.NewClock()
			e := start(ctx, executor.Config{Lanes: 2, Queue: 2, Clock: clk})
			var ran atomic.Int64
			busy := make(chan struct{}) // closed by the first task: the spawners are in full swing
			task := func(context.Context) {
				if ran.Add(1) == 1 {
					close(busy)
				}
			}
			go1 := make(chan struct{})
			type tally struct {
				accepted int64
				odd      error
			}
			calls := make([]*harness.Call[tally], spawners)
			for i := range calls {
				calls[i] = harness.Go("e.Spawn(ctx, task) and e.TrySpawn(task), in a loop, while Shutdown starts", func() tally {
					<-go1
					var t tally
					for n := 0; ; n++ {
						var err error
						if (n+i)%2 == 0 {
							err = e.Spawn(ctx, task)
						} else {
							err = e.TrySpawn(task)
						}
						switch {
						case err == nil:
							t.accepted++
						case errors.Is(err, executor.ErrClosed):
							return t
						case errors.Is(err, executor.ErrQueueFull):
						default:
							t.odd = err
							return t
						}
					}
				})
			}
			stop := shutdown(e, "time.Hour", func() error {
				<-busy
				return e.Shutdown(time.Hour)
			})
			close(go1)
			var accepted int64
			for _, call := range calls {
				t := call.Wait(ctx, clk)
				Expect(t.odd).NotTo(HaveOccurred(), "Round %d: while Shutdown started, a Spawn or TrySpawn returned an error "+
					"other than nil, ErrQueueFull or ErrClosed. %s", round+1, harness.See("shutdown"))
				accepted += t.accepted
			}
			Expect(stop.Wait(ctx, clk)).To(Succeed(), "Round %d: the tasks are instant, Shutdown should return nil. %s", round+1, harness.See("shutdown"))
			Expect(ran.Load()).To(Equal(accepted),
				"Round %d: %d calls of Spawn and TrySpawn returned nil while Shutdown started, so %d tasks should have run before "+
					"Shutdown returned; %d did. An accepted task must run: Shutdown closes the queue only once no Spawn can "+
					"still send, and the lanes drain it before they exit. %s", round+1, accepted, accepted, ran.Load(), harness.See("shutdown"))
		}
	}, harness.Timeout)
})
