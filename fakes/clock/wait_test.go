package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
)

// budget is the real-time safety net of a wait: a hang becomes a failure
// after a few seconds. Nothing here waits for real time to pass.
func budget(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// cancelled returns a context that has already ended with cause: a wait on
// it reports at once whether its condition holds now.
func cancelled(cause error) context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	return ctx
}

var errGaveUp = errors.New("the test gave up")

func TestWaitForTimer_armedByAnotherGoroutine(t *testing.T) {
	f := clock.NewFake()
	got := make(chan time.Time)
	go func() { // the code under test
		tm := f.NewTimer(time.Second)
		got <- <-tm.C
	}()
	require.NoError(t, f.WaitForTimer(budget(t), time.Second))
	f.Advance(time.Second)
	assert.Equal(t, clock.Epoch.Add(time.Second), within(t, got, "the timer's value"))
}

func TestWaitForTimer_everyKind(t *testing.T) {
	f := clock.NewFake()
	ctx := budget(t)
	go f.AfterFunc(time.Second, func() {})
	require.NoError(t, f.WaitForTimer(ctx, time.Second))
	go f.NewTicker(2 * time.Second)
	require.NoError(t, f.WaitForTimer(ctx, 2*time.Second))
	go f.After(3 * time.Second)
	require.NoError(t, f.WaitForTimer(ctx, 3*time.Second))
	go f.Sleep(4 * time.Second)
	require.NoError(t, f.WaitForTimer(ctx, 4*time.Second))
	go f.WithTimeout(context.Background(), 5*time.Second)
	require.NoError(t, f.WaitForTimer(ctx, 5*time.Second))
	require.NoError(t, f.WaitForTimers(ctx, 5))
	f.Advance(10 * time.Second)
	assert.Len(t, f.Pending(), 1, "only the ticker is left")
}

func TestWaitForSleepers(t *testing.T) {
	const n = 20
	f := clock.NewFake()
	woke := make(chan int, n)
	for i := range n {
		go func() {
			f.Sleep(time.Duration(i+1) * time.Second)
			woke <- i
		}()
	}
	// A timer that is not a sleeper does not count.
	f.NewTimer(time.Second)
	require.NoError(t, f.WaitForSleepers(budget(t), n))

	f.Advance(n / 2 * time.Second)
	first := map[int]bool{}
	for range n / 2 {
		first[within(t, woke, "a sleeper")] = true
	}
	for i := range n / 2 {
		assert.True(t, first[i], "sleeper %d woke in the first Advance", i)
	}
	require.Error(t, f.WaitForSleepers(cancelled(errGaveUp), n/2+1), "half of them woke")
	require.NoError(t, f.WaitForSleepers(cancelled(errGaveUp), n/2))
	f.Advance(n / 2 * time.Second)
	for range n / 2 {
		assert.GreaterOrEqual(t, within(t, woke, "a sleeper"), n/2)
	}
}

func TestWaitUntil_timesOutWithTheStory(t *testing.T) {
	f := clock.NewFake()
	f.Advance(time.Minute)
	at := here()
	f.NewTimer(2 * time.Second)
	f.AfterFunc(time.Hour, func() {})

	err := f.WaitForTimer(cancelled(errGaveUp), time.Second)
	require.Error(t, err)
	assert.ErrorIs(t, err, errGaveUp, "the error wraps the context's cause")
	msg := err.Error()
	assert.Contains(t, msg, "clock: gave up waiting for a pending timer of 1s at +1m0s: the test gave up")
	assert.Contains(t, msg, "fake clock at +1m0s (2000-01-01T00:01:00Z); 2 pending timer(s):")
	assert.Contains(t, msg, "\n  timer of 2s, due at +1m2s, armed at "+incLine(at, 1))
	assert.Contains(t, msg, "\n  AfterFunc of 1h0m0s, due at +1h1m0s, armed at "+incLine(at, 2))

	// A real deadline, the usual budget: the wait ends with it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	err = f.WaitForSleepers(ctx, 1)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "gave up waiting for 1 goroutine(s) in Sleep")

	err = f.WaitForTimers(cancelled(errGaveUp), 3)
	assert.Contains(t, err.Error(), "gave up waiting for 3 pending timer(s)")
}

func TestWaitUntil_staleTimersDoNotCount(t *testing.T) {
	f := clock.NewFake()
	gone := cancelled(errGaveUp)

	stopped := f.NewTimer(time.Second)
	stopped.Stop()
	assert.Error(t, f.WaitForTimer(gone, time.Second), "a stopped timer")

	fired := f.NewTimer(time.Second) // fired but never received
	f.Advance(time.Second)
	assert.Error(t, f.WaitForTimer(gone, time.Second), "a fired timer")
	fired.Stop()

	moved := f.NewTimer(time.Second)
	moved.Reset(2 * time.Second)
	assert.Error(t, f.WaitForTimer(gone, time.Second), "a timer reset to another duration")
	assert.NoError(t, f.WaitForTimer(gone, 2*time.Second), "...counts with its new one")

	ctx, cancel := f.WithTimeout(context.Background(), 3*time.Second)
	assert.NoError(t, f.WaitForTimer(gone, 3*time.Second))
	cancel()
	assert.Error(t, f.WaitForTimer(gone, 3*time.Second), "a cancelled context's deadline")
	assert.Error(t, ctx.Err())

	tk := f.NewTicker(4 * time.Second)
	tk.Stop()
	assert.Error(t, f.WaitForTimer(gone, 4*time.Second), "a stopped ticker")
	assert.NoError(t, f.WaitForTimers(gone, 1))
	assert.Error(t, f.WaitForTimers(gone, 2))
}

// A waiter that started before the timer existed is woken by the arming,
// not by polling; and the condition sees the pending timers each time.
func TestWaitUntil_wokenByChanges(t *testing.T) {
	f := clock.NewFake()
	var calls []int
	result := make(chan error, 1)
	go func() {
		result <- f.WaitUntil(budget(t), "three timers", func(ps []clock.Pending) bool {
			calls = append(calls, len(ps))
			_ = f.Now() // the condition may use the clock
			return len(ps) == 3
		})
	}()
	for i := range 3 {
		f.AfterFunc(time.Duration(i+1)*time.Second, func() {})
	}
	require.NoError(t, within(t, result, "the waiter"))
	assert.Equal(t, 3, calls[len(calls)-1])
	assert.LessOrEqual(t, len(calls), 4, "one call at the start and at most one per change")

	// Waiting for timers to go away works the same way.
	done := make(chan error, 1)
	go func() {
		done <- f.WaitUntil(budget(t), "no timers", func(ps []clock.Pending) bool { return len(ps) == 0 })
	}()
	f.Advance(3 * time.Second)
	require.NoError(t, within(t, done, "the waiter"))
}

// The usual shape of a spec: the code under test runs a loop on the clock;
// the spec waits for each fact it needs before advancing.
func TestWait_driveALoop(t *testing.T) {
	f := clock.NewFake()
	ctx := budget(t)
	ticks := make(chan time.Time)
	stop := make(chan struct{})
	go func() {
		for {
			tm := f.NewTimer(100 * time.Millisecond)
			select {
			case v := <-tm.C:
				ticks <- v
			case <-stop:
				tm.Stop()
				return
			}
		}
	}()
	for i := 1; i <= 50; i++ {
		require.NoError(t, f.WaitForTimer(ctx, 100*time.Millisecond))
		f.Advance(100 * time.Millisecond)
		assert.Equal(t, clock.Epoch.Add(time.Duration(i)*100*time.Millisecond), within(t, ticks, "a tick"))
	}
	close(stop)
}
