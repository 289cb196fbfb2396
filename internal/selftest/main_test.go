package selftest_test

import (
	"testing"

	"autoroute/internal/kittest"
)

// The self-test builds and runs every lesson's suite dozens of times: it
// runs only when asked (kittest.Env=1, as the README's test command does),
// so that a learner's `go test ./...` stays quick.
func TestMain(m *testing.M) { kittest.Main(m) }
