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

// RetryAccept returns a listener whose Accept rides out temporary errors
// (EMFILE...): it logs each, pauses on clk for MinAcceptDelay doubled per
// failure in a row up to MaxAcceptDelay, and accepts again; Close ends a
// pause at once with net.ErrClosed.
//
// This design pauses on a clk.AfterFunc that signals a sync.Cond; Close,
// under the same mutex, stops the pending timer and wakes the waiter.
func RetryAccept(ln net.Listener, clk clock.Clock, logf func(format string, args ...any)) net.Listener {
	l := &condRetryListener{Listener: ln, clk: clk, logf: logf}
	l.wake = sync.NewCond(&l.mu)
	return l
}

type condRetryListener struct {
	net.Listener
	clk  clock.Clock
	logf func(format string, args ...any)

	mu     sync.Mutex
	wake   *sync.Cond
	closed bool
}

func (l *condRetryListener) Accept() (net.Conn, error) {
	delay := MinAcceptDelay
	for {
		conn, err := l.Listener.Accept()
		var ne net.Error
		switch {
		case err == nil:
			return conn, nil
		case !errors.As(err, &ne) || !ne.Temporary(): //nolint:staticcheck // what net/http checks
			return nil, err
		}
		l.logf("server: accept: %v (pausing %v)", err, delay)
		if !l.sleep(delay) {
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: net.ErrClosed}
		}
		delay *= 2
		if delay > MaxAcceptDelay {
			delay = MaxAcceptDelay
		}
	}
}

// sleep waits d on the clock, or until Close; it reports whether the
// whole pause passed.
func (l *condRetryListener) sleep(d time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	done := false
	t := l.clk.AfterFunc(d, func() {
		l.mu.Lock()
		done = true
		l.mu.Unlock()
		l.wake.Broadcast()
	})
	for !done && !l.closed {
		l.wake.Wait()
	}
	if !done {
		t.Stop()
	}
	return done
}

func (l *condRetryListener) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.wake.Broadcast()
	return l.Listener.Close()
}
