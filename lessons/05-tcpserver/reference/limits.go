package server

import (
	"net"
	"sync"

	"autoroute/fakes/clock"
)

// busyResponse is what a client over the limit gets.
const busyResponse = "HTTP/1.1 503 Service Unavailable\r\n" +
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
// request, and accepts the next one. A refused client therefore costs no
// goroutine, whatever their number. (On real TCP, closing with a request
// still unread makes the kernel send a reset, which can destroy the 503
// before the client reads it, RFC 9112, section 9.6: a later exercise
// closes with a lingering close instead.) Closing a connection Accept handed out
// frees its place, once, however many times it is closed. Closing the
// listener closes ln.
func Limit(ln net.Listener, n int, clk clock.Clock) net.Listener {
	return &limitListener{Listener: ln, clock: clk, slots: make(chan struct{}, n)}
}

type limitListener struct {
	net.Listener
	clock clock.Clock
	slots chan struct{} // one value per connection handed out and still open
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitedConn{Conn: conn, free: func() { <-l.slots }}, nil
		default:
			l.refuse(conn)
		}
	}
}

// refuse answers 503 to a client over the limit and closes its connection.
func (l *limitListener) refuse(conn net.Conn) {
	defer conn.Close()
	if err := conn.SetWriteDeadline(l.clock.Now().Add(RefuseTimeout)); err != nil {
		return
	}
	conn.Write([]byte(busyResponse))
}

// limitedConn gives its place back when it is closed.
type limitedConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}
