// Package spawn_test is the suite of lesson 02, spawn: it grades the tasks,
// handles and join sets you build in solutions/task.
package spawn_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestSpawn(t *testing.T) {
	harness.RunSuite(t, "spawn", "lessons/02-spawn/README.md")
}
