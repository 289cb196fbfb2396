package server

import (
	"net"
	"sync/atomic"

	"autoroute/fakes/clock"
)

// serviceUnavailable is the 503 a client over the limit reads.
var serviceUnavailable = []byte("HTTP/1.1 503 Service Unavailable\r\n" +
	"Retry-After: 1\r\n" +
	"Content-Length: 20\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Service Unavailable\n")

// Limit returns a listener that lets at most n of ln's connections be open
// at once. Its Accept hands out a connection only while fewer than n of
// those it handed out are open; a client over the limit is refused on the
// spot, on the accepting goroutine: Accept writes it a 503 Service
// Unavailable, within RefuseTimeout on clk, closes it without reading its
// request, and accepts the next one. Closing a connection Accept handed out
// frees its place, once, however many times it is closed. Closing the
// listener closes ln.
func Limit(ln net.Listener, n int, clk clock.Clock) net.Listener {
	return &atomicLimit{Listener: ln, clk: clk, n: int64(n)}
}

type atomicLimit struct {
	net.Listener
	clk  clock.Clock
	n    int64
	open atomic.Int64
}

func (l *atomicLimit) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.acquire() {
			return &slotConn{Conn: conn, open: &l.open}, nil
		}
		conn.SetWriteDeadline(l.clk.Now().Add(RefuseTimeout))
		conn.Write(serviceUnavailable) // fails at once if the deadline could not be set on a dead conn
		conn.Close()
	}
}

// acquire takes a place with compare-and-swap, or reports there is none.
func (l *atomicLimit) acquire() bool {
	for {
		open := l.open.Load()
		if open >= l.n {
			return false
		}
		if l.open.CompareAndSwap(open, open+1) {
			return true
		}
	}
}

type slotConn struct {
	net.Conn
	open   *atomic.Int64
	closed atomic.Bool
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	if c.closed.CompareAndSwap(false, true) {
		c.open.Add(-1)
	}
	return err
}
