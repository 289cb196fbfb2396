package server

import (
	"net"
	"sync"

	"autoroute/fakes/clock"
)

// refusal is what a client over the limit reads.
const refusal = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Retry-After: 1\r\n" +
	"Content-Length: 20\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Service Unavailable\n"

// Limit returns a listener that lets at most n of ln's connections be open
// at once. Its Accept hands out a connection only while fewer than n of
// those it handed out are open; a client over the limit is refused on the
// spot, on the accepting goroutine: Accept writes it a 503 Service
// Unavailable, within RefuseTimeout on clk, closes it without reading its
// request, and accepts the next one. Closing a connection Accept handed out
// frees its place, once, however many times it is closed. Closing the
// listener closes ln.
func Limit(ln net.Listener, n int, clk clock.Clock) net.Listener {
	return &counted{Listener: ln, clk: clk, max: n}
}

// counted counts its open connections under a mutex.
type counted struct {
	net.Listener
	clk clock.Clock
	max int

	mu   sync.Mutex
	open int
}

func (l *counted) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.take() {
			return &place{Conn: conn, owner: l}, nil
		}
		l.turnAway(conn)
	}
}

// take reserves a place if one is free.
func (l *counted) take() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		return false
	}
	l.open++
	return true
}

func (l *counted) give() {
	l.mu.Lock()
	l.open--
	l.mu.Unlock()
}

// turnAway writes the 503 within RefuseTimeout and closes conn.
func (l *counted) turnAway(conn net.Conn) {
	if conn.SetWriteDeadline(l.clk.Now().Add(RefuseTimeout)) == nil {
		conn.Write([]byte(refusal))
	}
	conn.Close()
}

// place is a connection holding one of the listener's places.
type place struct {
	net.Conn
	owner *counted

	mu     sync.Mutex
	closed bool
}

func (c *place) Close() error {
	err := c.Conn.Close()
	c.mu.Lock()
	first := !c.closed
	c.closed = true
	c.mu.Unlock()
	if first {
		c.owner.give()
	}
	return err
}
