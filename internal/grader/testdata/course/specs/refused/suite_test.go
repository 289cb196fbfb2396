package refused_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "refused", "lessons/refused/README.md") }
