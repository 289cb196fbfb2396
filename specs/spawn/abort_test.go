package spawn_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

// abort calls h.Abort() on a goroutine of the spec's.
func abort[T any](ctx context.Context, h *task.Handle[T]) {
	GinkgoHelper()
	harness.Do("h.Abort()", h.Abort).Wait(ctx)
}

// isFinished calls h.IsFinished() on a goroutine of the spec's.
func isFinished[T any](ctx context.Context, h *task.Handle[T]) bool {
	GinkgoHelper()
	return returned(ctx, harness.Go("h.IsFinished()", h.IsFinished), "h.IsFinished() to return",
		"IsFinished must never block: look at h.done with a select that has a default case. "+harness.See("abort"))
}

var _ = Describe("abort", Label("abort"), func() {
	It("Abort cancels the task's context, and Join then reports a JoinError that says cancelled", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan struct{})
		causes := make(chan error, 1)
		h := spawn(ctx, func(taskCtx context.Context) (int, error) {
			close(started)
			<-taskCtx.Done()
			causes <- context.Cause(taskCtx)
			return 0, taskCtx.Err()
		})
		harness.Receive(ctx, started, "the task to start", harness.See("handle"))
		abort(ctx, h)

		cause := harness.Receive(ctx, causes, "the task's context to be cancelled by Abort",
			"Abort should cancel the context the task's f received: the one Spawn derived with "+
				"context.WithCancelCause, whose cancel function the handle keeps. "+harness.See("abort"))
		Expect(cause).To(MatchError(task.ErrCancelled),
			"Abort should cancel the task's context with task.ErrCancelled as its cause. %s", harness.See("abort"))
		got := join(ctx, h)
		je := joinError(got.err, "The task was aborted")
		Expect(je.IsCancelled()).To(BeTrue(), "The JoinError of an aborted task should say cancelled. %s", harness.See("abort"))
		Expect(errors.Is(got.err, task.ErrCancelled)).To(BeTrue(), "The JoinError of an aborted task matches task.ErrCancelled.")
		Expect(got.err.Error()).To(ContainSubstring("cancelled"))
	}, harness.Timeout)

	It("an aborted task is reported as cancelled, even when f returns a value anyway", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan struct{})
		release := make(chan struct{})
		h := spawn(ctx, func(context.Context) (int, error) {
			close(started)
			<-release // f does not watch its context: Go cannot stop it from outside
			return 42, nil
		})
		harness.Receive(ctx, started, "the task to start", harness.See("handle"))
		abort(ctx, h)
		close(release)

		got := join(ctx, h)
		Expect(got.err).To(HaveOccurred(),
			"The task was aborted before it returned 42: its result must not be trusted, so Join should report a "+
				"cancelled JoinError, not (42, nil). settle tells an aborted task by its context's cause. %s", harness.See("abort"))
		je := joinError(got.err, "The task was aborted")
		Expect(je.IsCancelled()).To(BeTrue(), "The JoinError of an aborted task should say cancelled. %s", harness.See("abort"))
		Expect(got.value).To(BeZero(), "An aborted task has no value: Join gives the zero value.")
	}, harness.Timeout)

	It("aborting a finished task changes nothing: Join still gives its result", func(spec SpecContext) {
		ctx := harness.Context(spec)
		h := spawn(ctx, func(context.Context) (string, error) { return "arrived", nil })
		Expect(join(ctx, h)).To(Equal(outcome[string]{value: "arrived"}))
		Expect(isFinished(ctx, h)).To(BeTrue(), "Join returned, so the task has finished. %s", harness.See("abort"))

		abort(ctx, h)
		Expect(join(ctx, h)).To(Equal(outcome[string]{value: "arrived"}),
			"The task had already finished when it was aborted: Join should still give its result. %s", harness.See("abort"))
	}, harness.Timeout)

	It("IsFinished never blocks: false while the task runs, true once it has ended", func(spec SpecContext) {
		ctx := harness.Context(spec)
		release := make(chan struct{})
		h := spawn(ctx, func(context.Context) (int, error) {
			<-release
			return 1, nil
		})
		Expect(isFinished(ctx, h)).To(BeFalse(), "The task is still running: IsFinished should say false. %s", harness.See("abort"))
		abort(ctx, h)
		Expect(isFinished(ctx, h)).To(BeFalse(),
			"The task was aborted but f has not returned yet: the task is still running. %s", harness.See("abort"))

		close(release)
		joinError(join(ctx, h).err, "The task was aborted")
		Expect(isFinished(ctx, h)).To(BeTrue(), "Join returned, so the task has finished. %s", harness.See("abort"))
	}, harness.Timeout)

	It("a task whose spawner's context ends is not aborted: Join gives what f returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		spawnCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		h := spawn(spawnCtx, func(taskCtx context.Context) (int, error) {
			<-taskCtx.Done()
			return 5, errors.New("stopped: " + taskCtx.Err().Error())
		})
		cancel()

		got := returned(ctx, startJoin(ctx, h), "h.Join(ctx) to return after the spawner's context was cancelled",
			"The task's context should be derived from the ctx given to Spawn, so that it ends with it. "+harness.See("handle"))
		Expect(errors.Is(got.err, task.ErrCancelled)).To(BeFalse(),
			"The spawner's context was cancelled, but nobody called Abort: Join should give what f returned, not a "+
				"cancelled JoinError. Only the cause task.ErrCancelled says the handle was aborted. %s", harness.See("abort"))
		Expect(got).To(Equal(outcome[int]{value: 5, err: got.err}))
		Expect(got.err).To(MatchError("stopped: context canceled"), "Join should give the error f returned. %s", harness.See("abort"))
	}, harness.Timeout)

	It("a task aborted that then panics is reported as a panic, not as cancelled", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan struct{})
		h := spawn(ctx, func(taskCtx context.Context) (int, error) {
			close(started)
			<-taskCtx.Done()
			panic("the task panicked while it stopped (spec: abort)")
		})
		harness.Receive(ctx, started, "the task to start", harness.See("handle"))
		abort(ctx, h)

		got := join(ctx, h)
		Expect(errors.Is(got.err, task.ErrPanicked)).To(BeTrue(),
			"The spec aborted the task, which then panicked. A panic is always reported as one, aborted or not: Join "+
				"should return a *JoinError matching task.ErrPanicked, got %v. The error callSafely returns is a "+
				"*JoinError, never task.ErrPanicked itself: compare with errors.Is, not ==. %s", got.err, harness.See("abort"))
		je := joinError(got.err, "The task panicked")
		Expect(je.Panic).To(Equal("the task panicked while it stopped (spec: abort)"), "The JoinError should carry the panic's value.")
	}, harness.Timeout)

})
