package clock_test

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	bbclock "github.com/benbjohnson/clock"
	"github.com/jonboulle/clockwork"

	"autoroute/fakes/clock"
)

// fakeClock is what the benchmarks need from each library.
type fakeClock interface {
	newTimer(d time.Duration) stopper
	newTicker(d time.Duration) (c <-chan time.Time, stop func())
	advance(d time.Duration)
}

// stopper is a timer of any of the libraries.
type stopper interface{ Stop() bool }

type lib struct {
	name string
	new  func() fakeClock
	// tooSlow says whether n timers take too long to measure by default:
	// such cases run only with BENCH_SLOW=1.
	tooSlow func(n int) bool
}

var libs = []lib{
	{"autoroute", func() fakeClock { return ours{clock.NewFake()} }, func(int) bool { return false }},
	// clockwork sorts its whole waiter slice on every arm, and removes a
	// stopped timer by a linear search: O(n²) for n timers.
	{"clockwork", func() fakeClock { return cw{clockwork.NewFakeClock()} }, func(n int) bool { return n > 10_000 }},
	// benbjohnson sorts on every arm and every firing, and sleeps 1ms of
	// real time per fired timer.
	{"benbjohnson", func() fakeClock { return bb{bbclock.NewMock()} }, func(n int) bool { return n > 1_000 }},
}

var slow = os.Getenv("BENCH_SLOW") == "1"

type ours struct{ f *clock.Fake }

func (c ours) newTimer(d time.Duration) stopper { return c.f.NewTimer(d) }
func (c ours) newTicker(d time.Duration) (<-chan time.Time, func()) {
	t := c.f.NewTicker(d)
	return t.C, t.Stop
}
func (c ours) advance(d time.Duration) { c.f.Advance(d) }

type cw struct{ f *clockwork.FakeClock }

func (c cw) newTimer(d time.Duration) stopper { return c.f.NewTimer(d) }
func (c cw) newTicker(d time.Duration) (<-chan time.Time, func()) {
	t := c.f.NewTicker(d)
	return t.Chan(), t.Stop
}
func (c cw) advance(d time.Duration) { c.f.Advance(d) }

type bb struct{ m *bbclock.Mock }

func (c bb) newTimer(d time.Duration) stopper { return c.m.Timer(d) }
func (c bb) newTicker(d time.Duration) (<-chan time.Time, func()) {
	t := c.m.Ticker(d)
	return t.C, t.Stop
}
func (c bb) advance(d time.Duration) { c.m.Add(d) }

// duration returns the i-th of n distinct durations, 1ms to n ms, in a
// scrambled order (7919 is prime, so i*7919 mod n is a permutation).
func duration(i, n int) time.Duration {
	return time.Duration(1+(i*7919)%n) * time.Millisecond
}

var sizes = []int{1_000, 10_000, 100_000}

func forEach(b *testing.B, run func(b *testing.B, l lib, n int)) {
	for _, l := range libs {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("lib=%s/n=%d", l.name, n), func(b *testing.B) {
				if l.tooSlow(n) && !slow {
					b.Skipf("%s with %d timers takes minutes; set BENCH_SLOW=1 to run it", l.name, n)
				}
				b.ReportAllocs()
				runtime.GC() // start from the same heap, whatever ran before
				run(b, l, n)
			})
		}
	}
}

// BenchmarkAdvance arms n timers, then advances past all of them at once.
func BenchmarkAdvance(b *testing.B) {
	forEach(b, func(b *testing.B, l lib, n int) {
		for b.Loop() {
			c := l.new()
			for i := range n {
				c.newTimer(duration(i, n))
			}
			c.advance(time.Duration(n+1) * time.Millisecond)
		}
	})
}

// BenchmarkStopHalf arms n timers, stops every other one, then advances
// past all of them.
func BenchmarkStopHalf(b *testing.B) {
	forEach(b, func(b *testing.B, l lib, n int) {
		timers := make([]stopper, n)
		for b.Loop() {
			c := l.new()
			for i := range n {
				timers[i] = c.newTimer(duration(i, n))
			}
			for i := 0; i < n; i += 2 {
				if !timers[i].Stop() {
					b.Fatal("Stop of a pending timer returned false")
				}
			}
			c.advance(time.Duration(n+1) * time.Millisecond)
		}
	})
}

// BenchmarkTicker advances a ticker one period at a time over 1000 periods,
// receiving every tick.
func BenchmarkTicker(b *testing.B) {
	const periods = 1000
	for _, l := range libs {
		b.Run("lib="+l.name+"/periods=1000", func(b *testing.B) {
			b.ReportAllocs()
			runtime.GC()
			for b.Loop() {
				c := l.new()
				ch, stop := c.newTicker(time.Millisecond)
				for range periods {
					c.advance(time.Millisecond)
					select {
					case <-ch:
					default:
						b.Fatal("no tick after advancing one period")
					}
				}
				stop()
			}
		})
	}
}
