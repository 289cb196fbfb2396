package executor

import (
	"context"
	"fmt"
	"io"
	"time"

	"autoroute/fakes/clock"
)

// Hello writes "Avant" and a newline to w, waits one second on clk, then
// writes "Après" and a newline. If ctx is cancelled during the wait, Hello
// returns ctx.Err() at once and writes nothing more.
//
// This design waits on a context with a deadline on clk, derived from ctx:
// it ends either way, and ctx.Err() says which.
func Hello(ctx context.Context, clk clock.Clock, w io.Writer) error {
	if _, err := io.WriteString(w, "Avant\n"); err != nil {
		return err
	}
	second, cancel := clk.WithTimeout(ctx, time.Second)
	defer cancel()
	<-second.Done()
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, "Après\n")
	return err
}
