package races_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "races", "lessons/races/README.md") }
