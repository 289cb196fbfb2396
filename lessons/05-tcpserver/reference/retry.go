package server

import (
	"errors"
	"net"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// The bounds of RetryAccept's pause between two failed accepts.
const (
	MinAcceptDelay = 5 * time.Millisecond
	MaxAcceptDelay = time.Second
)

// RetryAccept returns a listener that serves ln's connections and rides
// out an accept storm: when ln.Accept fails with a temporary error (a
// net.Error whose Temporary method reports true, as EMFILE, too many open
// files, does), its Accept logs the error with logf, waits on clk, and
// accepts again. The first pause is MinAcceptDelay; each failure in a row
// doubles it, up to MaxAcceptDelay and never more; an accepted connection
// resets it. Any other error is returned as it is, at once.
//
// Closing the returned listener closes ln and ends a pause at once: the
// Accept that waited returns an error wrapping net.ErrClosed, and leaves
// no timer armed on clk. So Serve, which closes its listener when its
// context ends, stops during a pause as quickly as during an Accept.
// logf is called once per failure, from the goroutine that called Accept.
func RetryAccept(ln net.Listener, clk clock.Clock, logf func(format string, args ...any)) net.Listener {
	return &retryListener{Listener: ln, clk: clk, logf: logf, closed: make(chan struct{})}
}

// retryListener is RetryAccept's listener.
type retryListener struct {
	net.Listener
	clk  clock.Clock
	logf func(format string, args ...any)

	closeOnce sync.Once
	closed    chan struct{} // closed by Close: ends a pause
}

func (l *retryListener) Accept() (net.Conn, error) {
	var delay time.Duration
	for {
		conn, err := l.Listener.Accept()
		var ne net.Error
		if err == nil || !errors.As(err, &ne) || !ne.Temporary() { //nolint:staticcheck // Temporary is what net/http asks too
			return conn, err
		}
		if delay == 0 {
			delay = MinAcceptDelay
		} else {
			delay = min(2*delay, MaxAcceptDelay)
		}
		l.logf("server: accept error: %v; retrying in %v", err, delay)
		t := l.clk.NewTimer(delay)
		select {
		case <-t.C:
		case <-l.closed:
			t.Stop()
			return nil, &net.OpError{Op: "accept", Net: l.Addr().Network(), Addr: l.Addr(), Err: net.ErrClosed}
		}
	}
}

// Close closes ln and ends a pause in progress.
func (l *retryListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}
