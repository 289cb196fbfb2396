package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
)

// This file is given: the loop that serves one connection, built from the
// functions of the exercises (ReadRequest and WriteResponseTo through
// readRequest and writeResponse, which add the deadlines; CheckRequest;
// answer, which calls the handler), and the bookkeeping Shutdown relies on.

// ServeConn serves the requests that arrive on conn, one after another
// (HTTP/1.1 keeps a connection alive between requests), until the client
// closes the connection or asks to, a request is refused, a deadline passes
// or the server shuts down. It answers a refused request with StatusOf's
// status before it returns. When it leaves the client's bytes unread (after
// a refusal, or a last response with more requests already sent), it closes
// conn with CloseLingering (linger.go), so that the answer is not lost to a
// reset; otherwise it leaves conn open, and its caller closes it.
func (s *Server) ServeConn(ctx context.Context, conn net.Conn) {
	br := bufio.NewReader(conn)
	opened := s.clock.Now() // MaxConnAge counts from here
	for served, first := 1, true; ; served, first = served+1, false {
		req, err := s.readRequest(conn, br, first)
		if err == nil {
			err = CheckRequest(req) // what one line at a time cannot show
		}
		if err != nil {
			if status := StatusOf(err); status != 0 {
				method := "" // a request line too bad to read has no method
				if req != nil {
					method = req.Method
				}
				s.writeResponse(conn, method, Response{
					Status: status,
					Body:   []byte(http.StatusText(status) + "\n"),
					Close:  true, // what follows the bad bytes cannot be trusted
				})
				CloseLingering(conn, s.clock) // the rest of the request may be on its way
			}
			return
		}
		if !s.busy(conn) {
			return // the server is shutting down, or made room: conn is closed
		}
		resp := s.answer(ctx, req)
		if !s.cfg.KeepAlive(served, s.clock.Since(opened)) {
			resp.Close = true // this answer is the connection's last
		}
		if err := s.writeResponse(conn, req.Method, resp); err != nil || resp.Close {
			if err == nil && br.Buffered() > 0 { // requests this connection will not serve
				s.idle(conn)                  // answered: a Shutdown may end the linger
				CloseLingering(conn, s.clock) // closes conn
			}
			return
		}
		if !s.idle(conn) {
			return // the server is shutting down: no next request
		}
	}
}

// busy records that conn has read a request and now serves it: Shutdown
// lets it finish, and the pool will not close it to make room. It reports
// false if the server is shutting down (the connection was idle when
// Shutdown began, so Shutdown closed it), or if the pool closed it, idle,
// to make room for a new client: either way the request must be dropped.
func (s *Server) busy(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.pool != nil && !s.pool.Busy(conn) {
		return false
	}
	if _, ok := s.conns[conn]; ok {
		s.conns[conn] = true
	}
	return true
}

// idle records that conn has answered its request and waits for the next
// one: the pool may now close it to make room. It reports false if the
// server is shutting down: the connection must close instead.
func (s *Server) idle(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pool != nil {
		s.pool.Idle(conn)
	}
	if _, ok := s.conns[conn]; ok {
		s.conns[conn] = false
	}
	return !s.closed
}

// shuttingDown reports whether Shutdown has started.
func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Your Shutdown and accept loop use shuttingDown; until they do, this line
// tells linters and editors it is not dead code.
var _ = (*Server).shuttingDown
