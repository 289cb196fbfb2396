package executor

import (
	"context"
	"fmt"
	"io"
	"time"

	"autoroute/fakes/clock"
)

// Hello is the seed's first example in Go: it writes "Avant" and a newline
// to w, waits one second on clk, then writes "Après" and a newline.
//
// If ctx is cancelled during the wait, Hello returns ctx.Err() at once and
// writes nothing more.
func Hello(ctx context.Context, clk clock.Clock, w io.Writer) error {
	if _, err := fmt.Fprintln(w, "Avant"); err != nil {
		return err
	}
	timer := clk.NewTimer(time.Second)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	_, err := fmt.Fprintln(w, "Après")
	return err
}
