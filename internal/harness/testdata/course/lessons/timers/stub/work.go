// Package fxtimers is the fixture's pristine stub: the runner lists the
// suite's specs from it, never from the code under test.
package fxtimers

import (
	"context"
	"net"

	"autoroute/fakes/clock"
)

// Tidy arms a timer and stops it.
func Tidy(clk clock.Clock) { panic("TODO(fixture): Tidy") }

// ForgetTicker starts a ticker and never stops it.
func ForgetTicker(clk clock.Clock) { panic("TODO(fixture): ForgetTicker") }

// ForgetCancel makes a deadline context and drops its cancel function.
func ForgetCancel(ctx context.Context, clk clock.Clock) error {
	panic("TODO(fixture): ForgetCancel")
}

// StopLater arms a timer and stops it on a goroutine of its own.
func StopLater(clk clock.Clock) { panic("TODO(fixture): StopLater") }

// SetDeadline sets a read deadline on conn and leaves conn open.
func SetDeadline(conn net.Conn, clk clock.Clock) { panic("TODO(fixture): SetDeadline") }
