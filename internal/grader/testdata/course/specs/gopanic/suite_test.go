package gopanic_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "gopanic", "lessons/gopanic/README.md") }
