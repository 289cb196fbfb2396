package spawn_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

// newSet builds a set with task.NewSet and shuts it down when the spec
// ends.
func newSet[T any](ctx context.Context, limit int) *task.Set[T] {
	GinkgoHelper()
	what := fmt.Sprintf("task.NewSet(%d)", limit)
	s := harness.Go(what, func() *task.Set[T] { return task.NewSet[T](limit) }).Wait(ctx)
	Expect(s).NotTo(BeNil(), "%s returned nil. %s", what, harness.See("joinset"))
	harness.DeferCleanup(func(ctx context.Context) {
		stop := harness.Go("set.Shutdown(ctx) at the end of the spec", func() error { return s.Shutdown(ctx) })
		if stop.StillStub(ctx) {
			// Until Shutdown is written, the tasks this spec left in the set
			// cannot be stopped, and that is not the fault of the method the
			// spec is about.
			harness.TolerateGoroutinesFrom(learnerPackage)
			return
		}
		stop.Wait(ctx)
	})
	return s
}

// setSpawn calls s.Spawn(ctx, f) and expects it to succeed.
func setSpawn[T any](ctx context.Context, s *task.Set[T], f func(context.Context) (T, error)) {
	GinkgoHelper()
	err := harness.Go("set.Spawn(ctx, f)", func() error { return s.Spawn(ctx, f) }).Wait(ctx)
	Expect(err).NotTo(HaveOccurred(), "set.Spawn(ctx, f) failed on a set with a free slot. %s", harness.See("joinset"))
}

// trySpawn calls s.TrySpawn(ctx, f).
func trySpawn[T any](ctx context.Context, s *task.Set[T], f func(context.Context) (T, error)) bool {
	GinkgoHelper()
	return returned(ctx, harness.Go("set.TrySpawn(ctx, f)", func() bool { return s.TrySpawn(ctx, f) }),
		"set.TrySpawn(ctx, f) to return", "TrySpawn never waits: take a slot with a select that has a default case. "+harness.See("joinset"))
}

// startJoinNext calls s.JoinNext(joinCtx) without waiting for it.
func startJoinNext[T any](joinCtx context.Context, s *task.Set[T]) *harness.Call[outcome[T]] {
	return harness.Go("set.JoinNext(ctx)", func() outcome[T] {
		v, err := s.JoinNext(joinCtx)
		return outcome[T]{v, err}
	})
}

// joinNext calls s.JoinNext(ctx) and waits for what it returns; hint says
// why it should return.
func joinNext[T any](ctx context.Context, s *task.Set[T], hint string) outcome[T] {
	GinkgoHelper()
	return returned(ctx, startJoinNext(ctx, s), "set.JoinNext(ctx) to return", hint+" "+harness.See("joinset"))
}

// waiter is a task that ends when released, or when its context ends.
type waiter struct {
	name    string
	release chan struct{} // closed by the spec: the task returns its name
	started chan struct{} // closed by the task when it starts
}

func newWaiter(name string) *waiter {
	return &waiter{name: name, release: make(chan struct{}), started: make(chan struct{})}
}

func (w *waiter) task(ctx context.Context) (string, error) {
	close(w.started)
	select {
	case <-w.release:
		return w.name, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

var _ = Describe("joinset", Label("joinset"), func() {
	It("JoinNext returns the tasks in the order they finish, not the order they were spawned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		s := newSet[string](ctx, 0)
		for _, car := range []struct {
			name string
			trip time.Duration
		}{{"A", 3 * time.Second}, {"B", time.Second}, {"C", 2 * time.Second}} {
			setSpawn(ctx, s, func(ctx context.Context) (string, error) {
				pause(ctx, clk, car.trip)
				return car.name, nil
			})
		}
		Expect(clk.WaitForTimers(ctx, 3)).To(Succeed(), "The three tasks should be waiting on the clock.")

		for _, want := range []string{"B", "C", "A"} {
			clk.Advance(time.Second)
			got := returned(ctx, startJoinNext(ctx, s), fmt.Sprintf("set.JoinNext(ctx) to return %s, the task that just finished", want),
				"Tasks A (3s), B (1s) and C (2s) were spawned in that order; the clock moved one second, so "+want+
					" has finished and the others have not. JoinNext must return the next task to finish, not wait for "+
					"the oldest one: each task's handle should arrive on s.finished once it ended. "+harness.See("joinset"))
			Expect(got).To(Equal(outcome[string]{value: want}),
				"JoinNext should return the tasks in the order they finished: B, C, A. %s", harness.See("joinset"))
		}
		Expect(joinNext(ctx, s, "The set is empty.").err).To(MatchError(task.ErrEmpty),
			"Every task was joined: JoinNext should return task.ErrEmpty. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("JoinNext gives each task's outcome as Join would, then ErrEmpty", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[int](ctx, 0)
		Expect(joinNext(ctx, s, "An empty set has nothing to wait for.").err).To(MatchError(task.ErrEmpty),
			"A set with no task should make JoinNext return task.ErrEmpty at once. %s", harness.See("joinset"))

		broken := errors.New("flat tyre")
		setSpawn(ctx, s, func(context.Context) (int, error) { return 1, nil })
		setSpawn(ctx, s, func(context.Context) (int, error) { return 0, broken })
		setSpawn(ctx, s, panicking)
		var values []int
		var errs []error
		for range 3 {
			got := joinNext(ctx, s, "Three tasks were spawned and all return at once.")
			values, errs = append(values, got.value), append(errs, got.err)
		}
		Expect(values).To(ConsistOf(1, 0, 0), "JoinNext should give each task's value. %s", harness.See("joinset"))
		Expect(errs).To(ContainElement(BeNil()))
		Expect(errs).To(ContainElement(MatchError(broken)), "JoinNext should give the error a task returned. %s", harness.See("joinset"))
		Expect(errs).To(ContainElement(MatchError(task.ErrPanicked)),
			"JoinNext should report a panicking task with a JoinError, as Join does (the set spawns with task.Spawn). %s", harness.See("joinset"))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty),
			"Every task was joined: JoinNext should return task.ErrEmpty. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("JoinNext gives up with its context's error, and the task stays in the set", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 0)
		w := newWaiter("late")
		setSpawn(ctx, s, w.task)

		joinCtx, cancel := context.WithCancel(ctx)
		cancel()
		got := returned(ctx, startJoinNext(joinCtx, s), "set.JoinNext(ctx) to return, its context being cancelled",
			"Wait for the next finished task with a select that also watches ctx.Done(). "+harness.See("joinset"))
		Expect(got.err).To(MatchError(context.Canceled), "JoinNext's context was cancelled: it should return ctx.Err(). %s", harness.See("joinset"))

		close(w.release)
		Expect(joinNext(ctx, s, "The task was released.")).To(Equal(outcome[string]{value: "late"}),
			"A JoinNext that gave up must not lose the task: the next JoinNext gets it. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("AbortAll aborts every task; each is then joined as cancelled", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 0)
		waiters := []*waiter{newWaiter("A"), newWaiter("B"), newWaiter("C")}
		for _, w := range waiters {
			setSpawn(ctx, s, w.task)
			harness.Receive(ctx, w.started, "task "+w.name+" to start", harness.See("joinset"))
		}
		harness.Do("set.AbortAll()", s.AbortAll).Wait(ctx)

		for range waiters {
			got := joinNext(ctx, s, "Every task of the set was aborted, and each ends when its context is cancelled.")
			Expect(errors.Is(got.err, task.ErrCancelled)).To(BeTrue(),
				"AbortAll should abort every task of the set: JoinNext should report each as cancelled, got %v. %s", got.err, harness.See("joinset"))
		}
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
	}, harness.Timeout)

	It("Shutdown aborts every task and returns only once they have all ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		s := newSet[int](ctx, 0)
		started := make(chan struct{}, 3)
		// Written by each task as its very last step, and read by the spec
		// without a lock once Shutdown has returned: only safe, and only
		// complete, if Shutdown waited for the tasks.
		var finished [3]bool
		for i := range finished {
			setSpawn(ctx, s, func(ctx context.Context) (int, error) {
				started <- struct{}{}
				<-ctx.Done()
				clk.Sleep(time.Second) // cleaning up takes a second
				finished[i] = true
				return i, ctx.Err()
			})
		}
		for range finished {
			harness.Receive(ctx, started, "the tasks to start", harness.See("joinset"))
		}

		stop := harness.Go("set.Shutdown(ctx)", func() error { return s.Shutdown(ctx) })
		stop.WaitFor(ctx, "the three aborted tasks to begin their one-second cleanup. Shutdown must abort the tasks, "+
			"then wait until every one of them has ended: AbortAll alone leaves them running behind your back",
			func(ctx context.Context) error { return clk.WaitForSleepers(ctx, 3) })
		clk.Advance(time.Second)
		Expect(stop.Wait(ctx, clk)).To(Succeed(), "Shutdown should return nil once every task has ended. %s", harness.See("joinset"))
		Expect(finished).To(Equal([3]bool{true, true, true}),
			"Shutdown returned while tasks were still running: it must join them all after aborting them. %s", harness.See("joinset"))
		Expect(joinNext(ctx, s, "The set was shut down.").err).To(MatchError(task.ErrEmpty),
			"Shutdown should join every task it aborted, so that the set is empty when it returns: JoinNext "+
				"should then return task.ErrEmpty. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("with a limit, TrySpawn refuses a task while limit tasks run, and accepts once one has ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 2)
		first, second := newWaiter("first"), newWaiter("second")
		Expect(trySpawn(ctx, s, first.task)).To(BeTrue(), "A set with a limit of 2 has a free slot for its first task. %s", harness.See("joinset"))
		Expect(trySpawn(ctx, s, second.task)).To(BeTrue(), "A set with a limit of 2 has a free slot for its second task. %s", harness.See("joinset"))

		ran := false
		Expect(trySpawn(ctx, s, func(context.Context) (string, error) { ran = true; return "", nil })).To(BeFalse(),
			"Two tasks are running in a set limited to 2: TrySpawn should refuse a third. A slot must stay taken "+
				"until the task's f returns, so give it back in the task, not when TrySpawn returns. %s", harness.See("joinset"))

		close(first.release)
		Expect(joinNext(ctx, s, "The first task was released.")).To(Equal(outcome[string]{value: "first"}))
		third := newWaiter("third")
		Expect(trySpawn(ctx, s, third.task)).To(BeTrue(),
			"The first task ended, so its slot is free again: TrySpawn should accept. %s", harness.See("joinset"))
		Expect(ran).To(BeFalse(), "TrySpawn refused a task, yet ran it.")
	}, harness.Timeout)

	It("with a limit, Spawn waits for a free slot, and gives up when its context ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 1)
		first := newWaiter("first")
		setSpawn(ctx, s, first.task)

		spawnCtx, cancel := context.WithCancel(ctx)
		cancel()
		refused := newWaiter("refused")
		err := returned(ctx, harness.Go("set.Spawn(ctx, f) on a full set, its context cancelled", func() error { return s.Spawn(spawnCtx, refused.task) }),
			"set.Spawn(ctx, f) to return, its context being cancelled",
			"Wait for a free slot with a select that also watches ctx.Done(). "+harness.See("joinset"))
		Expect(err).To(MatchError(context.Canceled),
			"The only slot is taken and Spawn's context was cancelled: Spawn should return ctx.Err(), and not run f. %s", harness.See("joinset"))

		second := newWaiter("second")
		waiting := harness.Go("set.Spawn(ctx, f) on a full set", func() error { return s.Spawn(ctx, second.task) })
		close(first.release)
		Expect(returned(ctx, waiting, "set.Spawn(ctx, f) to return once the running task ended",
			"The first task ended and gave its slot back: the waiting Spawn should take it. "+harness.See("joinset"))).To(Succeed())
		close(second.release)
		Expect([]outcome[string]{joinNext(ctx, s, "Both tasks were released."), joinNext(ctx, s, "Both tasks were released.")}).
			To(ConsistOf(outcome[string]{value: "first"}, outcome[string]{value: "second"}))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
		Expect(refused.started).NotTo(BeClosed(), "A task refused by Spawn ran anyway. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("with a limit, runs at most limit tasks at once, each as soon as a slot frees", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		s := newSet[int](ctx, 2)
		var mu sync.Mutex
		startedAt := map[int]time.Duration{}
		spawned := make(chan int, 5) // each Spawn call that returned
		spawner := harness.Go("set.Spawn(ctx, f) for five tasks, one after the other", func() error {
			for i := range 5 {
				err := s.Spawn(ctx, func(ctx context.Context) (int, error) {
					mu.Lock()
					startedAt[i] = clk.Since(clock.Epoch)
					mu.Unlock()
					pause(ctx, clk, time.Second)
					return i, nil
				})
				if err != nil {
					return err
				}
				spawned <- i
			}
			return nil
		})

		// Each task takes one second: two lanes of traffic take three rounds.
		var joined []int
		for round, running := range []int{2, 2, 1} {
			Expect(clk.WaitForTimers(ctx, running)).To(Succeed(),
				"Round %d: %d tasks should be running, each waiting one second on the clock. %s", round+1, running, harness.See("joinset"))
			// JoinNext only knows of the tasks whose Spawn call returned.
			for range running {
				harness.Receive(ctx, spawned, "set.Spawn(ctx, f) to return for a task that is running", harness.See("joinset"))
			}
			clk.Advance(time.Second)
			for range running {
				joined = append(joined, joinNext(ctx, s, "A task finished its one-second trip.").value)
			}
		}
		Expect(spawner.Wait(ctx, clk)).To(Succeed())
		Expect(joined).To(ConsistOf(0, 1, 2, 3, 4))
		mu.Lock()
		defer mu.Unlock()
		Expect(startedAt).To(Equal(map[int]time.Duration{0: 0, 1: 0, 2: time.Second, 3: time.Second, 4: 2 * time.Second}),
			"Each task recorded the virtual time it started at. With a limit of 2, tasks 0 and 1 start at once, 2 and 3 "+
				"when those end, one second later, and 4 a second after that. %s", harness.See("joinset"))
	}, harness.Timeout)

	It("Shutdown gives up with its context's error when its context ends while it waits, and the tasks stay in the set", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 0)
		started := make(chan struct{})
		release := make(chan struct{})
		setSpawn(ctx, s, func(context.Context) (string, error) {
			close(started)
			<-release // does not watch its context: the abort cannot stop it
			return "stubborn", nil
		})
		harness.Receive(ctx, started, "the task to start", harness.See("joinset"))

		shutCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := harness.Go("set.Shutdown(ctx) with a task that ignores its context", func() error { return s.Shutdown(shutCtx) })
		stop.WaitFor(ctx, "Shutdown to wait for the task it aborted", blockedIn(1, "(*Set[...]).Shutdown"))
		cancel()
		Expect(returned(ctx, stop, "set.Shutdown(ctx) to return after the spec cancelled its context",
			"Shutdown waits for the tasks with JoinNext: pass it Shutdown's own context, so that the wait ends with it. "+harness.See("joinset"))).
			To(MatchError(context.Canceled), "Shutdown's context was cancelled while it waited: it should return ctx.Err(). %s", harness.See("joinset"))

		close(release)
		got := joinNext(ctx, s, "The task was released.")
		Expect(errors.Is(got.err, task.ErrCancelled)).To(BeTrue(),
			"A Shutdown that gave up must not lose the task it aborted: the next JoinNext should get it, reported as cancelled, got %v. %s",
			got.err, harness.See("joinset"))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
	}, harness.Timeout)

	It("can be used again after Shutdown", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 1)
		w := newWaiter("before")
		setSpawn(ctx, s, w.task)
		harness.Receive(ctx, w.started, "the task to start", harness.See("joinset"))
		Expect(harness.Go("set.Shutdown(ctx)", func() error { return s.Shutdown(ctx) }).Wait(ctx)).To(Succeed())

		setSpawn(ctx, s, func(context.Context) (string, error) { return "after", nil })
		Expect(joinNext(ctx, s, "A task was spawned after Shutdown.")).To(Equal(outcome[string]{value: "after"}),
			"After Shutdown the set is empty and may be used again: a task spawned then runs and is joined as usual. "+
				"Shutdown must not close a channel the set still needs, nor keep the slot of a task it joined. %s", harness.See("joinset"))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
	}, harness.Timeout)

	It("AbortAll, Spawn and JoinNext racing: every task spawned is joined exactly once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const spawners, each = 4, 25
		s := newSet[int](ctx, 0)
		go1 := make(chan struct{})
		var spawned atomic.Int64
		calls := make([]*harness.Call[error], spawners)
		for i := range calls {
			calls[i] = harness.Go("set.Spawn(ctx, f) in a loop, while AbortAll and JoinNext run", func() error {
				<-go1
				for j := range each {
					n := i*each + j
					f := func(ctx context.Context) (int, error) { return n, nil }
					if n%2 == 0 {
						f = func(ctx context.Context) (int, error) { <-ctx.Done(); return n, ctx.Err() }
					}
					if err := s.Spawn(ctx, f); err != nil {
						return err
					}
					spawned.Add(1)
				}
				return nil
			})
		}
		aborter := harness.Do("set.AbortAll() in a loop, while tasks are spawned and joined", func() {
			<-go1
			for range 2 * spawners * each {
				s.AbortAll()
				runtime.Gosched()
			}
		})
		type tally struct {
			joined    int
			cancelled int
			seen      map[int]int
			odd       error
		}
		joiner := harness.Go("set.JoinNext(ctx) in a loop, while tasks are spawned and aborted", func() tally {
			t := tally{seen: map[int]int{}}
			<-go1
			for t.joined < spawners*each {
				v, err := s.JoinNext(ctx)
				switch {
				case errors.Is(err, task.ErrEmpty):
					runtime.Gosched() // the spawners have not caught up yet
					continue
				case errors.Is(err, task.ErrCancelled):
					t.cancelled++
				case err != nil:
					t.odd = err
					return t
				default:
					t.seen[v]++
				}
				t.joined++
			}
			return t
		})
		close(go1)
		for _, c := range calls {
			Expect(c.Wait(ctx)).To(Succeed(), "set.Spawn failed on a set without a limit. %s", harness.See("joinset"))
		}
		aborter.Wait(ctx)
		// The tasks spawned after the last AbortAll wait for their context:
		// abort them too, so that every task ends.
		harness.Do("set.AbortAll()", s.AbortAll).Wait(ctx)
		t := joiner.Wait(ctx)
		Expect(t.odd).NotTo(HaveOccurred(), "JoinNext returned an error that is neither a cancelled task nor ErrEmpty. %s", harness.See("joinset"))
		Expect(t.joined).To(BeEquivalentTo(spawned.Load()))
		for v, times := range t.seen {
			Expect(times).To(Equal(1), "Task %d was joined %d times: each task's outcome comes out of JoinNext once. %s", v, times, harness.See("joinset"))
		}
		Expect(len(t.seen)+t.cancelled).To(Equal(spawners*each),
			"%d tasks were spawned while AbortAll and JoinNext ran; JoinNext gave %d values and %d cancellations. Every "+
				"task must be joined exactly once: the set's list of tasks is shared by Spawn, AbortAll and JoinNext, so "+
				"every one of them reads and writes it under the set's lock (run with -race). %s",
			spawners*each, len(t.seen), t.cancelled, harness.See("joinset"))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
	}, harness.Timeout)

	It("a limit of 0 or less means no limit: TrySpawn never refuses, and every task runs at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, limit := range []int{0, -1} {
			s := newSet[string](ctx, limit)
			waiters := make([]*waiter, 5)
			for i := range waiters {
				waiters[i] = newWaiter(fmt.Sprint(i))
				Expect(trySpawn(ctx, s, waiters[i].task)).To(BeTrue(),
					"NewSet(%d): TrySpawn refused task #%d while %d ran. A limit of 0 or less means no limit. %s", limit, i+1, i, harness.See("joinset"))
			}
			for _, w := range waiters {
				harness.Receive(ctx, w.started, fmt.Sprintf("task %s of NewSet(%d) to start while the others run", w.name, limit), harness.See("joinset"))
			}
			for _, w := range waiters {
				close(w.release)
			}
			for range waiters {
				Expect(joinNext(ctx, s, "Every task was released.").err).NotTo(HaveOccurred())
			}
		}
	}, harness.Timeout)

	It("a task's context is derived from the one given to Spawn or TrySpawn: it ends when that one ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 2)
		spawnCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		ended := make(chan string, 2)
		task := func(name string) func(context.Context) (string, error) {
			return func(taskCtx context.Context) (string, error) {
				<-taskCtx.Done()
				ended <- name
				return name, taskCtx.Err()
			}
		}
		Expect(harness.Go("set.Spawn(ctx, f)", func() error { return s.Spawn(spawnCtx, task("Spawn")) }).Wait(ctx)).To(Succeed())
		Expect(trySpawn(spawnCtx, s, task("TrySpawn"))).To(BeTrue())
		cancel()
		for range 2 {
			harness.Receive(ctx, ended, "both tasks' contexts to end once the context given to Spawn and TrySpawn was cancelled",
				"Start the set's task with the context the caller passed, so that it ends when the caller's does. "+harness.See("joinset"))
		}
		for range 2 {
			got := joinNext(ctx, s, "Both tasks returned.")
			Expect(got.err).To(MatchError(context.Canceled),
				"The task was not aborted: its caller's context ended, and the task returned that context's error, "+
					"which JoinNext should give as the task's own. %s", harness.See("joinset"))
		}
	}, harness.Timeout)

	It("a task spawned while JoinNext waits can be the one it returns", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := newSet[string](ctx, 0)
		slow := newWaiter("slow")
		setSpawn(ctx, s, slow.task)
		harness.Receive(ctx, slow.started, "the first task to start", harness.See("joinset"))

		waiting := startJoinNext(ctx, s)
		waiting.WaitFor(ctx, "JoinNext to wait for the running task", blockedIn(1, "(*Set[...]).JoinNext"))
		setSpawn(ctx, s, func(context.Context) (string, error) { return "quick", nil })
		got := returned(ctx, waiting, "the waiting JoinNext to return the task spawned while it waited, which ended at once",
			"JoinNext waits for whichever task of the set ends next, including one spawned while it waits: wait on what "+
				"every task sends when it ends, not on the tasks that were in the set when JoinNext started. "+harness.See("joinset"))
		Expect(got).To(Equal(outcome[string]{value: "quick"}),
			"The task spawned while JoinNext waited ended first: JoinNext should return it. %s", harness.See("joinset"))

		close(slow.release)
		Expect(joinNext(ctx, s, "The first task was released.")).To(Equal(outcome[string]{value: "slow"}))
		Expect(joinNext(ctx, s, "Every task was joined.").err).To(MatchError(task.ErrEmpty))
	}, harness.Timeout)

})
