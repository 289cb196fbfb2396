package clock_test

import (
	"testing"
	"time"

	"autoroute/fakes/clock"
)

// Benchmarks of the fake alone, for profiling; bench/clock compares it
// with other libraries.

func BenchmarkFake_NewTimer(b *testing.B) {
	f := clock.NewFake()
	i := 0
	for b.Loop() {
		i++
		f.NewTimer(time.Duration(i) * time.Nanosecond)
	}
}

func BenchmarkFake_ArmAndAdvance10k(b *testing.B) {
	const n = 10_000
	b.ReportAllocs()
	for b.Loop() {
		f := clock.NewFake()
		for i := range n {
			f.NewTimer(time.Duration(1+(i*7919)%n) * time.Millisecond)
		}
		f.Advance((n + 1) * time.Millisecond)
	}
}

func BenchmarkFake_AdvanceOnePeriod(b *testing.B) {
	f := clock.NewFake()
	tk := f.NewTicker(time.Millisecond)
	for b.Loop() {
		f.Advance(time.Millisecond)
		<-tk.C
	}
}

func BenchmarkFake_Arm10k(b *testing.B) {
	const n = 10_000
	b.ReportAllocs()
	for b.Loop() {
		f := clock.NewFake()
		for i := range n {
			f.NewTimer(time.Duration(1+(i*7919)%n) * time.Millisecond)
		}
	}
}

func BenchmarkFake_Advance10kArmed(b *testing.B) {
	const n = 10_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := clock.NewFake()
		for i := range n {
			f.NewTimer(time.Duration(1+(i*7919)%n) * time.Millisecond)
		}
		b.StartTimer()
		f.Advance((n + 1) * time.Millisecond)
	}
}
