package task

import (
	"context"
	"io"

	"autoroute/fakes/clock"
)

// Seed is the seed's second example in Go: it spawns a task that waits one
// second on clk and then writes "Tâche spawnée" and a newline to w, and it
// waits for that task, as handle.await does in Rust. It returns the task's
// error: the writer's, or ctx.Err() if ctx ended during the wait (the task
// then writes nothing).
//
// The task is a plain goroutine, started with the go statement. The go
// statement gives you no handle: let the task hand its error back on a
// channel, and make receiving from that channel your join.
//
// Wait on clk, never on package time: the specs give you a fake clock and
// move it forward themselves.
func Seed(ctx context.Context, clk clock.Clock, w io.Writer) error {
	// TODO(spawn): start the task with go, then wait for its error on a channel.
	panic("TODO(spawn): implement Seed in solutions/task/seed.go")
}
