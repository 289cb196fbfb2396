package server

import (
	"bufio"
	"net"
	"time"
)

// readRequest reads the next request of conn through br with deadlines on
// the server's clock: IdleTimeout for a kept-alive connection's next
// request to begin, then HeaderTimeout for the whole of it, set once; the
// read deadline is cleared once the request is read.
func (s *Server) readRequest(conn net.Conn, br *bufio.Reader, first bool) (req *Request, err error) {
	wait := s.cfg.HeaderTimeout
	if !first {
		wait = s.cfg.IdleTimeout
	}
	if err := conn.SetReadDeadline(s.clock.Now().Add(wait)); err != nil {
		return nil, err
	}
	defer func() {
		if clearErr := conn.SetReadDeadline(time.Time{}); err == nil && clearErr != nil {
			req, err = nil, clearErr
		}
	}()
	if !first {
		if _, err := br.Peek(1); err != nil {
			return nil, err
		}
		// The next request has begun: it gets its own HeaderTimeout.
		if err := conn.SetReadDeadline(s.clock.Now().Add(s.cfg.HeaderTimeout)); err != nil {
			return nil, err
		}
	}
	return ReadRequest(br)
}

// writeResponse writes resp to conn with WriteResponseTo, the answer to a
// request whose method is method, within WriteTimeout on the server's
// clock, and clears the write deadline afterwards.
func (s *Server) writeResponse(conn net.Conn, method string, resp Response) (err error) {
	if err := conn.SetWriteDeadline(s.clock.Now().Add(s.cfg.WriteTimeout)); err != nil {
		return err
	}
	defer func() {
		if clearErr := conn.SetWriteDeadline(time.Time{}); err == nil {
			err = clearErr
		}
	}()
	return WriteResponseTo(conn, method, resp)
}
