package box_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "box", "lessons/box/README.md") }
