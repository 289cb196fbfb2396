package server

import (
	"net"

	"autoroute/fakes/clock"
)

// This file is given: how Server.Serve puts its Pool (pool.go) in front of
// the connections it accepts when Config.MaxConns is set. Limit, a
// listener, can only count; a server also knows which of its connections
// are idle, and closes one of those to make room before it refuses anyone.

// admit returns a listener whose Accept hands out the connections of ln
// that s.pool admits, and refuses the others on the spot, on the accepting
// goroutine, with the 503 Limit writes. A connection it hands out leaves
// the pool when it is closed, however many times.
//
// While NewPool is still the stub's (it returns nil), the server has no
// pool and limits its connections with Limit, as it did before the
// idle-first exercise: the exercises before it can pass first.
func (s *Server) admit(ln net.Listener) net.Listener {
	if s.pool == nil {
		return Limit(ln, s.cfg.MaxConns, s.clock)
	}
	return &admitListener{Listener: ln, pool: s.pool, clock: s.clock}
}

type admitListener struct {
	net.Listener
	pool  *Pool
	clock clock.Clock
}

func (l *admitListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		pc := &pooledConn{Conn: conn, pool: l.pool}
		if l.pool.Admit(pc) {
			return pc, nil
		}
		refuseFull(conn, l.clock)
	}
}

// refuseFull answers 503 Service Unavailable to a client no place could
// be made for, within RefuseTimeout on clk, and closes its connection with
// CloseLingering (linger.go): the client has likely sent its request, and
// closing with it unread would reset the 503 away. The accepting goroutine
// spends at most RefuseTimeout writing and LingerTimeout draining.
func refuseFull(conn net.Conn, clk clock.Clock) {
	if err := conn.SetWriteDeadline(clk.Now().Add(RefuseTimeout)); err == nil {
		conn.Write([]byte("HTTP/1.1 503 Service Unavailable\r\n" +
			"Retry-After: 1\r\n" +
			"Content-Length: 20\r\n" +
			"Connection: close\r\n" +
			"\r\n" +
			"Service Unavailable\n"))
	}
	CloseLingering(conn, clk) // bounded, even for a client that reads nothing
}

// pooledConn leaves its pool when it is closed.
type pooledConn struct {
	net.Conn
	pool *Pool
}

func (c *pooledConn) Close() error {
	err := c.Conn.Close()
	c.pool.Leave(c)
	return err
}

// CloseWrite half-closes the connection, if it can: CloseLingering needs
// it, and a wrapper hides the methods of what it wraps.
func (c *pooledConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
