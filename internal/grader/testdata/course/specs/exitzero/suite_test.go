package exitzero_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "exitzero", "lessons/exitzero/README.md") }
