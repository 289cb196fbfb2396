package executor

import (
	"context"
	"io"

	"autoroute/fakes/clock"
)

// Hello is the seed's first example in Go: it writes "Avant" and a newline
// to w, waits one second on clk, then writes "Après" and a newline.
//
// If ctx is cancelled during the wait, Hello returns ctx.Err() at once and
// writes nothing more.
//
// Wait on clk, never on package time: the specs give you a fake clock and
// move it forward themselves.
func Hello(ctx context.Context, clk clock.Clock, w io.Writer) error {
	// TODO(runtime): write Avant, wait one second on clk or until ctx ends, write Après.
	panic("TODO(runtime): implement Hello in solutions/executor/hello.go")
}
