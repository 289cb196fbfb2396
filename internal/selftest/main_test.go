package selftest_test

import (
	"testing"

	"autoroute/internal/kittest"
)

// The self-test builds and runs every lesson's suite dozens of times: it
// runs only when asked (kittest.Env=1, as the README's test command does),
// so that a learner's `go test ./...` stays quick.
//
// It is one pool of work: every top-level test and every subtest that
// builds or runs a suite calls t.Parallel, so that a lesson's reference, a
// mistake, an alternative or a mutant sample run side by side, bounded by
// go test's -parallel (GOMAXPROCS unless told). A test added here should
// do the same, and reuse what is built: runner.Run builds a suite once for
// all its seeds, and keeps the learner's, reference and stub builds in the
// user's cache, where go test -c skips the link when nothing changed.
func TestMain(m *testing.M) { kittest.Main(m) }
