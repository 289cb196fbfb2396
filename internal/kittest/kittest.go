// Package kittest decides whether the kit's own heavy tests run.
//
// A learner's first `go test ./...` should answer in seconds: their lessons'
// specs, the fakes' quick tests. The tests that prove the kit itself — the
// self-test (every lesson's reference, stubs and mistakes, under the race
// detector), the grader's misbehaving fixtures, the CLI's end-to-end checks
// — build and run dozens of test processes and take minutes. They run only
// when asked, with AUTOROUTE_KIT_TESTS=1, which the README's test command
// and .ci/run set:
//
//	AUTOROUTE_KIT_TESTS=1 go test -race -timeout 60m ./fakes/... ./internal/... ./cmd/...
package kittest

import (
	"fmt"
	"os"
	"testing"
)

// Env is the variable that turns the kit's heavy tests on, when set to 1.
const Env = "AUTOROUTE_KIT_TESTS"

// Enabled reports whether the kit's heavy tests were asked for.
func Enabled() bool { return os.Getenv(Env) == "1" }

// Heavy skips the calling test unless the kit's heavy tests were asked for.
func Heavy(t testing.TB) {
	t.Helper()
	if !Enabled() {
		t.Skipf("a kit test, heavy: it runs with %s=1 (the README's test command sets it)", Env)
	}
}

// Main is a TestMain for a package whose every test is heavy (the
// self-test): without the variable, it runs none of them and says so once.
func Main(m *testing.M) {
	if !Enabled() {
		fmt.Printf("kit tests skipped: they run with %s=1 (the README's test command sets it)\n", Env)
		os.Exit(0)
	}
	os.Exit(m.Run())
}
