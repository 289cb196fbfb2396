package crash_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "crash", "lessons/crash/README.md") }
