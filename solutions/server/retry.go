package server

import (
	"net"
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
	// TODO(tcpserver): wrap ln in a struct that embeds net.Listener and
	// overrides Accept (loop: accept, and on a temporary error log, wait
	// on a timer of clk or for Close, double the delay) and Close (end the
	// pause, then close ln).
	panic("TODO(tcpserver): implement RetryAccept in solutions/server/retry.go")
}
