// Package runtime_test is the suite of lesson 01, the runtime: it grades the
// executor you build in solutions/executor.
package runtime_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestRuntime(t *testing.T) {
	harness.RunSuite(t, "runtime", "lessons/01-runtime/README.md")
}
