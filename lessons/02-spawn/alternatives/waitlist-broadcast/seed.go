package task

import (
	"context"
	"io"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// Seed spawns a task that waits one second on clk and then writes "Tâche
// spawnée" and a newline to w, and waits for it. It returns the task's
// error: the writer's, or ctx.Err() if ctx ended during the wait.
//
// This design joins the task with a WaitGroup; the task's error is a
// variable the WaitGroup orders before Seed reads it.
func Seed(ctx context.Context, clk clock.Clock, w io.Writer) error {
	var (
		wg  sync.WaitGroup
		err error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		waited, cancel := clk.WithTimeout(ctx, time.Second)
		defer cancel()
		<-waited.Done()
		if err = ctx.Err(); err != nil {
			return
		}
		_, err = io.WriteString(w, "Tâche spawnée\n")
	}()
	wg.Wait()
	return err
}
