package spawn_test

import (
	"context"
	"errors"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/solutions/task"
)

// onPurpose is what the specs' tasks panic with. If it is the last thing a
// crashed test run printed, callSafely does not recover panics yet.
const onPurpose = "a task panicked on purpose (lesson spawn, exercise panics). If this panic ended your " +
	"test run, callSafely does not recover panics yet: read lessons/02-spawn/README.md, section \"panics\""

func panicking(context.Context) (int, error) { panic(onPurpose) }

// joinError returns err as a *task.JoinError, failing the spec if it is not
// one.
func joinError(err error, what string) *task.JoinError {
	GinkgoHelper()
	var je *task.JoinError
	Expect(errors.As(err, &je)).To(BeTrue(),
		"%s: Join should return a *task.JoinError, but returned %#v (%v). %s", what, err, err, harness.See(current()))
	return je
}

// current is the exercise of the running spec.
func current() string {
	if labels := CurrentSpecReport().Labels(); len(labels) > 0 {
		return labels[0]
	}
	return ""
}

var _ = Describe("panics", Label("panics"), func() {
	It("a panicking task does not crash the program: Join reports a JoinError that says it panicked", func(spec SpecContext) {
		ctx := harness.Context(spec)
		h := spawn(ctx, panicking)
		got := join(ctx, h)
		je := joinError(got.err, "The task panicked")
		Expect(je.IsPanic()).To(BeTrue(), "The JoinError of a task that panicked should say so: IsPanic(). %s", harness.See("panics"))
		Expect(je.IsCancelled()).To(BeFalse(), "A task that panicked was not cancelled.")
		Expect(errors.Is(got.err, task.ErrPanicked)).To(BeTrue(), "The JoinError of a panic matches task.ErrPanicked.")
		Expect(got.err.Error()).To(ContainSubstring("panicked"))
		Expect(got.value).To(BeZero(), "A task that panicked has no value: Join gives the zero value.")
	}, harness.Timeout)

	It("the JoinError carries the value the task panicked with and the stack where it panicked", func(spec SpecContext) {
		ctx := harness.Context(spec)
		h := spawn(ctx, panicking)
		je := joinError(join(ctx, h).err, "The task panicked")
		Expect(je.Panic).To(Equal(onPurpose), "The JoinError's Panic should be what the task panicked with, as recover() gave it. %s", harness.See("panics"))
		Expect(string(je.Stack)).To(ContainSubstring("spawn_test.panicking"),
			"The JoinError's Stack should be taken inside the deferred function that recovers (debug.Stack()), "+
				"while the panicking frames are still on the stack, so that it shows the function that panicked. %s", harness.See("panics"))
	}, harness.Timeout)

	It("a task that panics with an error is still a panic, not an error the task returned", func(spec SpecContext) {
		ctx := harness.Context(spec)
		h := spawn(ctx, func(context.Context) (int, error) { panic(io.ErrUnexpectedEOF) })
		got := join(ctx, h)
		je := joinError(got.err, "The task panicked with an error value")
		Expect(je.Panic).To(Equal(io.ErrUnexpectedEOF), "The JoinError's Panic should be the error the task panicked with. %s", harness.See("panics"))
		Expect(errors.Is(got.err, task.ErrPanicked)).To(BeTrue(),
			"A panic is not a returned error, even when its value is an error: the caller must be able to tell "+
				"them apart with errors.Is(err, task.ErrPanicked). %s", harness.See("panics"))
	}, harness.Timeout)

	It("a panic in one task leaves the other tasks running", func(spec SpecContext) {
		ctx := harness.Context(spec)
		release := make(chan struct{})
		other := spawn(ctx, func(context.Context) (string, error) {
			<-release
			return "still rolling", nil
		})
		crashed := spawn(ctx, panicking)
		joinError(join(ctx, crashed).err, "The second task panicked")

		close(release)
		Expect(join(ctx, other)).To(Equal(outcome[string]{value: "still rolling"}),
			"The first task should have gone on and returned its value, whatever happened to the second. %s", harness.See("panics"))
	}, harness.Timeout)
})
