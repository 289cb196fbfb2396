package clock_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
)

// Fake-only properties of the contexts; the behaviour shared with package
// context is in the conformance suite.

func TestFakeContext_deadlineIsAPendingTimer(t *testing.T) {
	f := clock.NewFake()
	ctx, cancel := f.WithTimeout(context.Background(), time.Minute)
	ps := f.Pending()
	require.Len(t, ps, 1)
	assert.Equal(t, clock.KindDeadline, ps[0].Kind)
	assert.Equal(t, time.Minute, ps[0].Duration)
	require.NoError(t, f.WaitForTimer(budget(t), time.Minute), "a spec can wait for a context's deadline")
	cancel()
	assert.Empty(t, f.Pending(), "cancel removes the deadline")
	assert.ErrorIs(t, ctx.Err(), context.Canceled)

	// A sooner parent deadline means no timer of the child's own.
	parent, pcancel := f.WithTimeout(context.Background(), time.Second)
	defer pcancel()
	_, ccancel := f.WithTimeout(parent, time.Hour)
	defer ccancel()
	assert.Len(t, f.Pending(), 1)
}

func TestFakeContext_String(t *testing.T) {
	f := clock.NewFake()
	ctx, cancel := f.WithDeadline(context.Background(), clock.Epoch.Add(time.Second))
	defer cancel()
	assert.Equal(t, "context.Background.WithDeadline(2000-01-01T00:00:01Z)", fmt.Sprint(ctx))
}

func TestFakeContext_afterFuncOnADoneContext(t *testing.T) {
	f := clock.NewFake()
	ctx, cancel := f.WithTimeout(context.Background(), time.Second)
	defer cancel()
	f.Advance(time.Second)
	ran := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(ran) })
	within(t, ran, "context.AfterFunc on an expired context")
	assert.False(t, stop())
	// A child made now is born cancelled, with the deadline's error.
	child, ccancel := context.WithCancel(ctx)
	defer ccancel()
	assert.ErrorIs(t, child.Err(), context.DeadlineExceeded)
}

// Many contexts on one clock, cancelled from every side at once: run with
// -race, it checks the locking between the clock, the contexts and their
// parents.
func TestFakeContext_concurrentCancellation(t *testing.T) {
	f := clock.NewFake()
	parent, pcancel := context.WithCancel(context.Background())
	const n = 100
	ctxs := make([]context.Context, n)
	cancels := make([]context.CancelFunc, n)
	for i := range n {
		ctxs[i], cancels[i] = f.WithTimeout(parent, time.Duration(1+i%3)*time.Second)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			if i%2 == 0 {
				cancels[i]()
			}
		}
	}()
	go pcancel()
	f.Advance(2 * time.Second)
	within(t, done, "the cancelling goroutine")
	for i, ctx := range ctxs {
		within(t, ctx.Done(), "a context to end")
		assert.Error(t, ctx.Err(), "context %d", i)
		cancels[i]()
	}
	assert.Empty(t, f.Pending())
}
