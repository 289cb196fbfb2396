package bomb_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "bomb", "lessons/bomb/README.md") }
