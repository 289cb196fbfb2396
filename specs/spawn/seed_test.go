package spawn_test

import (
	"bytes"
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

var _ = Describe("seed", Label("seed"), func() {
	It("runs the task on a goroutine of its own, which waits one second on the clock", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		seed := harness.Go("task.Seed(ctx, clk, &out)", func() error { return task.Seed(ctx, clk, &out) })

		seed.WaitFor(ctx, "the task to arm a one-second timer on the clock it was given "+
			"(time.Sleep and time.After wait on the real clock, which the spec cannot move)",
			func(ctx context.Context) error { return clk.WaitForTimer(ctx, time.Second) })
		Expect(harness.GoroutinesStartedBy(learnerPackage)).NotTo(BeEmpty(),
			"Seed's timer was armed, but by no goroutine Seed started: the task should run on a goroutine of its "+
				"own, started with the go statement, while Seed waits for it. %s", harness.See("seed"))
		Expect(out.String()).To(BeEmpty(), "The task wrote before its second had passed. %s", harness.See("seed"))

		clk.Advance(time.Second)
		Expect(seed.Wait(ctx, clk)).To(Succeed(), "Seed returned an error after a clean one-second wait.")
		Expect(out.String()).To(Equal("Tâche spawnée\n"),
			"After one second the task should have written \"Tâche spawnée\" and a newline. %s", harness.See("seed"))
	}, harness.Timeout)

	It("waits for its task: returns only once the task has written, one second later", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		// A plain bytes.Buffer, which is not safe for concurrent use: the
		// spec reads it once Seed has returned, which is safe only if Seed
		// waited for the task that writes it.
		var out bytes.Buffer
		seed := harness.Go("task.Seed(ctx, clk, &out)", func() error { return task.Seed(ctx, clk, &out) })

		seed.WaitFor(ctx, "the task to arm its one-second timer. Seed must not return before its task has "+
			"finished: wait for the task's result on a channel, as handle.await does in Rust",
			func(ctx context.Context) error { return clk.WaitForTimer(ctx, time.Second) })
		Expect(seed.Returned()).To(BeFalse(),
			"Seed returned while its task was still waiting for its second. The go statement does not wait: "+
				"Seed must receive the task's result before it returns. %s", harness.See("seed"))

		clk.Advance(time.Second)
		Expect(seed.Wait(ctx, clk)).To(Succeed())
		Expect(out.String()).To(Equal("Tâche spawnée\n"),
			"Seed returned, so its task should have written \"Tâche spawnée\" by then. If it had not, Seed did not "+
				"wait for its task. %s", harness.See("seed"))
	}, harness.Timeout)

	It("returns the context's error when cancelled during the wait, and the task writes nothing", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		var out harness.Buffer
		seedCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		seed := harness.Go("task.Seed(ctx, clk, &out)", func() error { return task.Seed(seedCtx, clk, &out) })

		seed.WaitFor(ctx, "the task to arm a one-second timer on the fake clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		cancel()
		// The clock does not move: a task that only watches its timer stays
		// blocked, and so does Seed.
		err := returned(ctx, seed, "Seed to return after the spec cancelled its context",
			"The task should wait with a select on its timer's channel and ctx.Done(), and hand ctx.Err() back. "+harness.See("seed"))
		Expect(err).To(MatchError(context.Canceled),
			"Seed's context was cancelled during the wait: Seed should return the task's ctx.Err(). %s", harness.See("seed"))
		Expect(out.String()).To(BeEmpty(), "A cancelled task must not write.")
	}, harness.Timeout)

	It("returns the writer's error", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		broken := errors.New("disk full")
		seed := harness.Go("task.Seed(ctx, clk, failingWriter)", func() error {
			return task.Seed(ctx, clk, failingWriter{broken})
		})
		seed.WaitFor(ctx, "the task to arm a one-second timer on the fake clock", func(ctx context.Context) error {
			return clk.WaitForTimer(ctx, time.Second)
		})
		clk.Advance(time.Second)
		Expect(seed.Wait(ctx, clk)).To(MatchError(broken),
			"The task's write failed: Seed should return that error, handed back by the task. %s", harness.See("seed"))
	}, harness.Timeout)
})

// failingWriter is a writer whose every write fails.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
