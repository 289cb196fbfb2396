package chatty_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "chatty", "lessons/chatty/README.md") }
