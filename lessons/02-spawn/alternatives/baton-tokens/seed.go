package task

import (
	"context"
	"io"
	"time"

	"autoroute/fakes/clock"
)

// Seed spawns a task that waits one second on clk and then writes "Tâche
// spawnée" and a newline to w, and waits for it. It returns the task's
// error: the writer's, or ctx.Err() if ctx ended during the wait.
//
// This design joins the task on a channel the task closes when it ends;
// the error is a variable written before the close, so read safely after.
func Seed(ctx context.Context, clk clock.Clock, w io.Writer) error {
	var err error
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		timer := clk.NewTimer(time.Second)
		select {
		case <-ctx.Done():
			timer.Stop()
			err = ctx.Err()
		case <-timer.C:
			_, err = w.Write([]byte("Tâche spawnée\n"))
		}
	}()
	<-ended
	return err
}
