package raceflood_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSuite(t *testing.T) { harness.RunSuite(t, "raceflood", "lessons/raceflood/README.md") }
