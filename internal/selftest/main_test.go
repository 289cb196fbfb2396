package selftest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"autoroute/internal/course"
	"autoroute/internal/kittest"
	"autoroute/internal/runner"
)

// The self-test builds and runs every lesson's suite dozens of times: it
// runs only when asked (kittest.Env=1, as the README's test command does),
// so that a learner's `go test ./...` stays quick.
//
// It is one pool of work: every top-level test and every subtest that
// builds or runs a suite calls t.Parallel, then takes a place at one of
// two gates, which bound the work by what it costs rather than by go
// test's -parallel (lifted here, unless given):
//
//   - busy: a run of a correct solution (the reference, an alternative, a
//     step of the progression, a sample of mutants, a fuzz target) keeps a
//     CPU busy from start to end. One at a time per CPU, so that a loaded
//     machine is not loaded more by the self-test itself: a spec's budget
//     is real time.
//   - waiting: a run that must fail (a mistake, the stubs) mostly waits, and
//     a mistake that hangs waits out a spec's real-time budget with its CPU
//     idle. waitingPerCPU at a time per CPU.
//
// The builds of both, which are CPU work, take turns one per core
// (package buildslot). A test added here should call t.Parallel and take
// its gate too, and reuse what is built: runner.Run builds a suite once for
// all its seeds, and keeps the learner's, reference and stub builds in the
// user's cache, where go test -c skips the link when nothing changed.
func TestMain(m *testing.M) {
	flag.Parse()
	if !flagGiven("test.parallel") {
		flag.Set("test.parallel", "1000") // the gates bound the work
	}
	if kittest.Enabled() {
		warm()
	}
	kittest.Main(m)
}

// warm compiles what every suite imports once, before the builds start
// side by side (runner.Warm): from an empty build cache, each would compile
// it again. A package that does not compile is reported by the tests that
// build it, in their words: here it is only said.
func warm() {
	c, err := course.Load(root)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		err = runner.Warm(ctx, root, c.Lessons, true)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "selftest: warming the build cache: %v\n", err)
	}
}

const waitingPerCPU = 3

var (
	busy    = make(chan struct{}, runtime.GOMAXPROCS(0))
	waiting = make(chan struct{}, waitingPerCPU*runtime.GOMAXPROCS(0))
)

// take waits for a place at gate (busy or waiting), held until t ends.
func take(t *testing.T, gate chan struct{}) {
	gate <- struct{}{}
	t.Cleanup(func() { <-gate })
}

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
