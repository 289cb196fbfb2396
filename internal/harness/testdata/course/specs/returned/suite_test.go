package returned_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "returned", "lessons/returned/README.md") }
