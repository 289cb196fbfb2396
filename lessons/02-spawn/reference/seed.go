package task

import (
	"context"
	"fmt"
	"io"
	"time"

	"autoroute/fakes/clock"
)

// Seed is the seed's second example in Go: it spawns a task that waits one
// second on clk and then writes "Tâche spawnée" and a newline to w, and it
// waits for that task, as handle.await does in Rust. It returns the task's
// error: the writer's, or ctx.Err() if ctx ended during the wait (the task
// then writes nothing).
//
// The task is a plain goroutine: the go statement gives no handle, so the
// task hands its error back on a channel, and receiving from that channel
// is the join.
func Seed(ctx context.Context, clk clock.Clock, w io.Writer) error {
	done := make(chan error, 1)
	go func() {
		timer := clk.NewTimer(time.Second)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			done <- ctx.Err()
			return
		}
		_, err := fmt.Fprintln(w, "Tâche spawnée")
		done <- err
	}()
	return <-done
}
