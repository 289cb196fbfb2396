package selftest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"autoroute/internal/course"
	"autoroute/internal/keptbuild"
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
//     step of the progression, a fuzz target) keeps a CPU busy from start
//     to end. One at a time per CPU, so that a loaded machine is not loaded
//     more by the self-test itself: a spec's budget is real time.
//   - waiting: a run that must fail (a mistake, a mutant, the stubs) mostly
//     waits: it stops at its first failure, and one that hangs waits out a
//     spec's real-time budget with its CPU idle. waitingPerCPU at a time
//     per CPU.
//
// The builds of both, which are CPU work, take turns one per core
// (package buildslot). A test added here should call t.Parallel and take
// its gate too, and reuse what is built: runner.Run builds a suite once for
// all its seeds, and every build of the self-test is kept between runs
// (kept, below), where go test -c skips the link when nothing changed.
func TestMain(m *testing.M) {
	flag.Parse()
	if !kittest.Enabled() {
		kittest.Main(m) // says how to run the self-test, and exits
	}
	if !flagGiven("test.parallel") {
		flag.Set("test.parallel", "1000") // the gates bound the work
	}
	warm()
	began := time.Now()
	kept = keepBuilds()
	code := m.Run()
	if code == 0 && kept != "" && !flagGiven("test.run") && !flagGiven("test.skip") {
		// A whole run that passed used every build it needs: the others
		// are stale (a mistake edited or removed, a spec file changed).
		if err := keptbuild.Prune(kept, began); err != nil {
			fmt.Fprintf(os.Stderr, "selftest: removing the builds this run did not use: %v\n", err)
		}
	}
	os.Exit(code)
}

// kept is the directory where the self-test keeps its builds between runs
// (runner.Options.KeepBuilds, mutate.Options.KeepBuilds), "" where it has
// none: hundreds of suites (each mistake, alternative, step of the
// progression and sampled mutant), 13 to 18 MB each, which a second run
// mostly finds current. Linking them is about half the self-test's CPU.
var kept string

// keepBuilds returns the directory of the kept builds, in the user's cache
// (see package keptbuild): the checkout's own, as a build records the
// checkout's path (one shared by two checkouts would be relinked whole at
// every switch), and removed once the checkout is gone.
func keepBuilds() string {
	abs, err := filepath.Abs(root)
	if err == nil {
		var dir string
		if dir, err = keptbuild.Dir(abs, "selftest"); err == nil {
			return dir
		}
	}
	fmt.Fprintf(os.Stderr, "selftest: every build is private to its run, none kept: %v\n", err)
	return ""
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

const waitingPerCPU = 4

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
