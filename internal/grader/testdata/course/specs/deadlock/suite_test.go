package deadlock_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "deadlock", "lessons/deadlock/README.md") }
