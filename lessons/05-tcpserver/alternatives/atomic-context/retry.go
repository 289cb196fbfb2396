package server

import (
	"context"
	"errors"
	"net"
	"time"

	"autoroute/fakes/clock"
)

// The bounds of RetryAccept's pause between two failed accepts.
const (
	MinAcceptDelay = 5 * time.Millisecond
	MaxAcceptDelay = time.Second
)

// RetryAccept returns a listener whose Accept rides out temporary errors
// (EMFILE...): it logs each, pauses on clk for MinAcceptDelay doubled per
// failure in a row up to MaxAcceptDelay, and accepts again; Close ends a
// pause at once with net.ErrClosed.
//
// This design ends the pauses with a context that Close cancels, and
// computes each pause from the count of failures in a row (a shift)
// instead of keeping the last delay.
func RetryAccept(ln net.Listener, clk clock.Clock, logf func(format string, args ...any)) net.Listener {
	ctx, cancel := context.WithCancel(context.Background())
	return &backoffListener{Listener: ln, clk: clk, logf: logf, ctx: ctx, cancel: cancel}
}

type backoffListener struct {
	net.Listener
	clk    clock.Clock
	logf   func(format string, args ...any)
	ctx    context.Context    // ends when the listener is closed
	cancel context.CancelFunc // idempotent
}

// pause is the wait after the n-th failure in a row (n from 1).
func pause(n int) time.Duration {
	if n > 8 { // 5 ms << 8 is already over a second
		return MaxAcceptDelay
	}
	return min(MinAcceptDelay<<(n-1), MaxAcceptDelay)
}

func (l *backoffListener) Accept() (net.Conn, error) {
	for failures := 1; ; failures++ {
		conn, err := l.Listener.Accept()
		if err == nil {
			return conn, nil
		}
		var ne interface{ Temporary() bool }
		if !errors.As(err, &ne) || !ne.Temporary() {
			return nil, err
		}
		d := pause(failures)
		l.logf("server: accept failed (%v), next try in %v", err, d)
		t := l.clk.NewTimer(d)
		select {
		case <-t.C:
		case <-l.ctx.Done():
			t.Stop()
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: net.ErrClosed}
		}
	}
}

func (l *backoffListener) Close() error {
	l.cancel()
	return l.Listener.Close()
}
