package exitinit_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "exitinit", "lessons/exitinit/README.md") }
