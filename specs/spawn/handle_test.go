package spawn_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

var _ = Describe("handle", Label("handle"), func() {
	It("Spawn returns at once, while f runs on a goroutine of its own", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan struct{})
		release := make(chan struct{})
		f := func(context.Context) (int, error) {
			close(started)
			<-release
			return 1, nil
		}
		spawning := harness.Go("task.Spawn(ctx, f)", func() *task.Handle[int] { return task.Spawn(ctx, f) })
		h := returned(ctx, spawning, "task.Spawn(ctx, f) to return while f is still running",
			"f only returns once the spec releases it, and the spec waits for Spawn first: Spawn must start f "+
				"with the go statement and return the handle at once, as tokio::spawn does. "+harness.See("handle"))
		Expect(h).NotTo(BeNil(), "task.Spawn returned a nil handle. %s", harness.See("handle"))
		harness.Receive(ctx, started, "f to start on its own goroutine", harness.See("handle"))

		close(release)
		got := join(ctx, h)
		Expect(got.err).NotTo(HaveOccurred(), "f returned no error. %s", harness.See("handle"))
		Expect(got.value).To(Equal(1), "Join should give the value f returned. %s", harness.See("handle"))
	}, harness.Timeout)

	It("Join waits for the task to return, then gives its value and error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		// Three rounds: a Join that does not wait reads the result either
		// before the task wrote it (the zero value) or after, unordered (a
		// data race); which one depends on scheduling, and each round is
		// another chance to see it.
		for range 3 {
			clk := harness.NewClock()
			h := spawn(ctx, func(ctx context.Context) (int, error) {
				pause(ctx, clk, time.Second)
				return 42, nil
			})
			Expect(clk.WaitForTimer(ctx, time.Second)).To(Succeed(), "The task should be waiting one second on the clock.")
			joining := startJoin(ctx, h)
			clk.Advance(time.Second)
			got := returned(ctx, joining, "h.Join(ctx) to return once the task had returned",
				"Join should wait until the task's goroutine closed h.done. "+harness.See("handle"))
			Expect(got.err).NotTo(HaveOccurred(), "The task returned 42 and no error. %s", harness.See("handle"))
			Expect(got.value).To(Equal(42),
				"Join should give what the task returned, once it has returned: it must wait on h.done before it reads "+
					"h.value. Reading the result any earlier gets the zero value, and is a data race (run with -race). %s",
				harness.See("handle"))
		}

		broken := errors.New("no more fuel")
		failing := spawn(ctx, func(context.Context) (string, error) { return "", broken })
		Expect(join(ctx, failing).err).To(MatchError(broken), "Join should give the error the task returned. %s", harness.See("handle"))
	}, harness.Timeout)

	It("Join gives up with its context's error, and the task goes on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		release := make(chan struct{})
		h := spawn(ctx, func(taskCtx context.Context) (int, error) {
			<-release
			return 7, taskCtx.Err()
		})

		joinCtx, cancel := context.WithCancel(ctx)
		cancel()
		got := returned(ctx, startJoin(joinCtx, h), "h.Join(ctx) to return, its context being cancelled",
			"The task is still running and Join's context is cancelled: Join should wait with a select on h.done "+
				"and ctx.Done(), and return ctx.Err(). "+harness.See("handle"))
		Expect(got.err).To(MatchError(context.Canceled),
			"Join's context was cancelled before the task ended: Join should return ctx.Err(). %s", harness.See("handle"))

		close(release)
		got = join(ctx, h)
		Expect(got.err).NotTo(HaveOccurred(),
			"The task's context ended: giving up on Join must not cancel the task (Abort does that). %s", harness.See("handle"))
		Expect(got.value).To(Equal(7), "A Join that gave up does not lose the result: a later Join gets it. %s", harness.See("handle"))
	}, harness.Timeout)

	It("Join can be called again, and from several goroutines at once, with the same result", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		h := spawn(ctx, func(ctx context.Context) (string, error) {
			pause(ctx, clk, time.Second)
			return "arrived", nil
		})
		Expect(clk.WaitForTimer(ctx, time.Second)).To(Succeed(), "The task should be waiting one second on the clock.")
		var joins []*harness.Call[outcome[string]]
		for range 3 {
			joins = append(joins, startJoin(ctx, h))
		}
		clk.Advance(time.Second)
		for i, joining := range joins {
			got := returned(ctx, joining, "each of three concurrent h.Join(ctx) calls to return",
				"Only one Join returned. A value sent on a channel is received once; a closed channel is received "+
					"from by everyone, forever: close h.done. "+harness.See("handle"))
			Expect(got).To(Equal(outcome[string]{value: "arrived"}), "Join #%d of three should give the task's result. %s", i+1, harness.See("handle"))
		}
		again := returned(ctx, startJoin(ctx, h), "a fourth h.Join(ctx), after the task ended, to return at once",
			"Join on a finished task should return at once with the same result. "+harness.See("handle"))
		Expect(again).To(Equal(outcome[string]{value: "arrived"}), "A later Join should give the same result. %s", harness.See("handle"))
	}, harness.Timeout)

	It("the task's context ends once the task is over", func(spec SpecContext) {
		ctx := harness.Context(spec)
		kept := make(chan context.Context, 1)
		h := spawn(ctx, func(taskCtx context.Context) (int, error) {
			kept <- taskCtx // as a task that handed its context to a helper goroutine would
			return 1, nil
		})
		Expect(join(ctx, h)).To(Equal(outcome[int]{value: 1}))
		taskCtx := harness.Receive(ctx, kept, "the task to hand over its context", "")
		harness.Receive(ctx, taskCtx.Done(), "the task's context to end, the task being over",
			"Join returned, so the task is over, but its context stays live: anything the task left watching it "+
				"(a helper goroutine, an AfterFunc) would wait for ever. Release it once f has returned: call the task's "+
				"cancel function (with a nil cause) at the end of the task's goroutine. "+harness.See("handle"))
		Expect(context.Cause(taskCtx)).NotTo(MatchError(task.ErrCancelled),
			"The task was never aborted: its context ended because the task was over, not with task.ErrCancelled as its cause.")
	}, harness.Timeout)

})
