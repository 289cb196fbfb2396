package clock_test

import (
	"context"
	"fmt"
	"time"

	"autoroute/fakes/clock"
)

// fetch is code under test: it waits for a reply and gives up after 5s,
// measured on the clock it is given.
func fetch(c clock.Clock, reply <-chan string) string {
	select {
	case r := <-reply:
		return r
	case <-c.After(5 * time.Second):
		return "timed out"
	}
}

// A spec starts the code under test, waits until it has armed its timer
// (advancing before that is the classic flaky clock test), then advances.
func ExampleFake_WaitForTimer() {
	f := clock.NewFake()
	result := make(chan string)
	go func() { result <- fetch(f, nil) }()

	// Real time is only the budget of the wait: it turns a hang into an error.
	budget, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.WaitForTimer(budget, 5*time.Second); err != nil {
		fmt.Println(err) // says what was awaited and lists the pending timers
		return
	}
	f.Advance(5 * time.Second)
	fmt.Println(<-result, "after", f.Since(clock.Epoch))
	// Output: timed out after 5s
}

// A context from the fake expires exactly at its deadline, and contexts
// derived from it follow.
func ExampleFake_WithTimeout() {
	f := clock.NewFake()
	ctx, cancel := f.WithTimeout(context.Background(), time.Second)
	defer cancel()
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()

	f.Advance(time.Second - time.Nanosecond)
	fmt.Println("1ns before:", ctx.Err())
	f.Advance(time.Nanosecond)
	fmt.Println("at the deadline:", ctx.Err())
	fmt.Println("child:", child.Err())
	// Output:
	// 1ns before: <nil>
	// at the deadline: context deadline exceeded
	// child: context deadline exceeded
}

// Advance fires timers in deadline order with Now() at each deadline, and
// fires in the same call the timers that callbacks arm inside the window.
func ExampleFake_Advance() {
	f := clock.NewFake()
	f.AfterFunc(2*time.Second, func() { fmt.Println("second at", f.Since(clock.Epoch)) })
	f.AfterFunc(time.Second, func() {
		fmt.Println("first at", f.Since(clock.Epoch))
		f.AfterFunc(500*time.Millisecond, func() { fmt.Println("armed by first, at", f.Since(clock.Epoch)) })
	})
	f.Advance(time.Hour)
	fmt.Println("now", f.Since(clock.Epoch))
	// Output:
	// first at 1s
	// armed by first, at 1.5s
	// second at 2s
	// now 1h0m0s
}

// WaitForSleepers waits for goroutines blocked in Sleep.
func ExampleFake_WaitForSleepers() {
	f := clock.NewFake()
	done := make(chan string)
	for _, name := range []string{"a", "b", "c"} {
		go func() {
			f.Sleep(time.Minute)
			done <- name
		}()
	}
	budget, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.WaitForSleepers(budget, 3); err != nil {
		fmt.Println(err)
		return
	}
	f.Advance(time.Minute)
	woke := map[string]bool{}
	for range 3 {
		woke[<-done] = true
	}
	fmt.Println(len(woke), "sleepers woke")
	// Output: 3 sleepers woke
}

// Pending lists what is armed, earliest first; ArmedAt says which line
// armed it, and the same list appears in every error and misuse panic.
func ExampleFake_Pending() {
	f := clock.NewFake()
	f.NewTicker(time.Second)
	f.AfterFunc(500*time.Millisecond, func() {})
	for _, p := range f.Pending() {
		fmt.Println(p.Kind, p.Duration, "due at", p.Deadline.Sub(clock.Epoch))
	}
	// Output:
	// AfterFunc 500ms due at 500ms
	// ticker 1s due at 1s
}
