package executor

import (
	"context"
	"io"
	"time"

	"autoroute/fakes/clock"
)

// Hello writes "Avant" and a newline to w, waits one second on clk, then
// writes "Après" and a newline. If ctx is cancelled during the wait, Hello
// returns ctx.Err() at once and writes nothing more.
//
// This design has the clock call a function that closes a channel, and
// stops it if ctx ends first.
func Hello(ctx context.Context, clk clock.Clock, w io.Writer) error {
	if _, err := w.Write([]byte("Avant\n")); err != nil {
		return err
	}
	rang := make(chan struct{})
	alarm := clk.AfterFunc(time.Second, func() { close(rang) })
	select {
	case <-rang:
	case <-ctx.Done():
		alarm.Stop()
		return ctx.Err()
	}
	_, err := w.Write([]byte("Après\n"))
	return err
}
