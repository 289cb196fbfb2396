// Package select_test is the suite of lesson 04, select: it grades the
// package choose you build in solutions/choose.
package select_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSelect(t *testing.T) {
	harness.RunSuite(t, "select", "lessons/04-select/README.md")
}
