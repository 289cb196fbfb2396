// Package fxtimers arms timers on the clock it is given, and forgets some.
package fxtimers

import (
	"context"
	"net"
	"time"

	"autoroute/fakes/clock"
)

// Tidy arms a timer and stops it.
func Tidy(clk clock.Clock) {
	t := clk.NewTimer(time.Second)
	defer t.Stop()
}

// ForgetTicker starts a ticker and never stops it.
func ForgetTicker(clk clock.Clock) {
	clk.NewTicker(time.Second) // the line the failure names
}

// ForgetCancel makes a deadline context and drops its cancel function.
func ForgetCancel(ctx context.Context, clk clock.Clock) error {
	ctx, _ = clk.WithTimeout(ctx, time.Minute) //nolint:govet // the mistake under test
	return ctx.Err()
}

// StopLater arms a timer and stops it on a goroutine of its own, after it
// returned: the check must wait for the goroutine.
func StopLater(clk clock.Clock) {
	t := clk.NewTimer(time.Hour)
	done := make(chan struct{})
	go func() {
		defer t.Stop()
		<-done
	}()
	close(done)
}

// SetDeadline sets a read deadline on conn and leaves conn open.
func SetDeadline(conn net.Conn, clk clock.Clock) {
	_ = conn.SetReadDeadline(clk.Now().Add(time.Minute))
}
