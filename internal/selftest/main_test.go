package selftest_test

import (
	"flag"
	"runtime"
	"strconv"
	"testing"

	"autoroute/internal/kittest"
)

// The self-test builds and runs every lesson's suite dozens of times: it
// runs only when asked (kittest.Env=1, as the README's test command does),
// so that a learner's `go test ./...` stays quick.
//
// It is one pool of work: every top-level test and every subtest that
// builds or runs a suite calls t.Parallel, so that a lesson's reference, a
// mistake, an alternative or a mutant sample run side by side. Unless
// -parallel is given, runsPerCPU of them run at once for each CPU: a run
// mostly waits (a mistake that hangs waits out a spec's real-time budget,
// its CPU idle), and the builds, which are CPU work, take turns one per
// core anyway (package buildslot). A test added here should call
// t.Parallel too, and reuse what is built: runner.Run builds a suite once
// for all its seeds, and keeps the learner's, reference and stub builds in
// the user's cache, where go test -c skips the link when nothing changed.
func TestMain(m *testing.M) {
	flag.Parse()
	if !flagGiven("test.parallel") {
		flag.Set("test.parallel", strconv.Itoa(runsPerCPU*runtime.GOMAXPROCS(0)))
	}
	kittest.Main(m)
}

const runsPerCPU = 4

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
