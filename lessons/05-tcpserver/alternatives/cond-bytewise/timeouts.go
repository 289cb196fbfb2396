package server

import (
	"bufio"
	"net"
	"time"
)

// readRequest reads the next request of conn through br with deadlines on
// the server's clock: IdleTimeout for a kept-alive connection's next
// request to begin, then HeaderTimeout for the whole of it, set once;
// the read deadline is cleared once the request is read.
func (s *Server) readRequest(conn net.Conn, br *bufio.Reader, first bool) (*Request, error) {
	if !first {
		if err := conn.SetReadDeadline(s.clock.Now().Add(s.cfg.IdleTimeout)); err != nil {
			return nil, err
		}
		// Wait for the first byte, and put it back for ReadRequest.
		if _, err := br.ReadByte(); err != nil {
			return nil, err
		}
		if err := br.UnreadByte(); err != nil {
			return nil, err
		}
	}
	if err := conn.SetReadDeadline(s.clock.Now().Add(s.cfg.HeaderTimeout)); err != nil {
		return nil, err
	}
	req, err := ReadRequest(br)
	if clearErr := conn.SetReadDeadline(time.Time{}); err == nil {
		err = clearErr
	}
	if err != nil {
		return nil, err
	}
	return req, nil
}

// writeResponse writes resp to conn with WriteResponseTo, the answer to a
// request whose method is method, within WriteTimeout on the server's
// clock, and clears the write deadline afterwards.
func (s *Server) writeResponse(conn net.Conn, method string, resp Response) error {
	if err := conn.SetWriteDeadline(s.clock.Now().Add(s.cfg.WriteTimeout)); err != nil {
		return err
	}
	err := WriteResponseTo(conn, method, resp)
	if clearErr := conn.SetWriteDeadline(time.Time{}); err == nil {
		err = clearErr
	}
	return err
}
