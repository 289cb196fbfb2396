// Package await_test is the suite of lesson 03, await: it grades the futures
// you build in solutions/future.
package await_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestAwait(t *testing.T) {
	harness.RunSuite(t, "await", "lessons/03-await/README.md")
}
