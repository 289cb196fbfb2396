package server

import (
	"bufio"
	"net"
	"time"
)

// readRequest reads the next request of conn through br with deadlines on
// the server's clock:
//   - for a kept-alive connection's next request (first is false), the
//     client has s.cfg.IdleTimeout to begin it: to send its first byte;
//   - then it has s.cfg.HeaderTimeout to send the whole request, however
//     it trickles in. One deadline for the whole request, set once: a
//     deadline pushed back at every byte is what a slowloris client lives
//     on;
//   - once the request is read, the read deadline is cleared: the handler
//     may take its time.
func (s *Server) readRequest(conn net.Conn, br *bufio.Reader, first bool) (*Request, error) {
	if !first {
		if err := conn.SetReadDeadline(s.clock.Now().Add(s.cfg.IdleTimeout)); err != nil {
			return nil, err
		}
		if _, err := br.Peek(1); err != nil {
			return nil, err
		}
	}
	if err := conn.SetReadDeadline(s.clock.Now().Add(s.cfg.HeaderTimeout)); err != nil {
		return nil, err
	}
	req, err := ReadRequest(br)
	if err != nil {
		return nil, err
	}
	return req, conn.SetReadDeadline(time.Time{})
}

// writeResponse writes resp to conn, the answer to a request whose method
// is method, with WriteResponseTo (framing.go), within s.cfg.WriteTimeout
// on the server's clock: a client that never reads cannot hold the
// connection, and its goroutine, for ever.
func (s *Server) writeResponse(conn net.Conn, method string, resp Response) error {
	if err := conn.SetWriteDeadline(s.clock.Now().Add(s.cfg.WriteTimeout)); err != nil {
		return err
	}
	if err := WriteResponseTo(conn, method, resp); err != nil {
		return err
	}
	return conn.SetWriteDeadline(time.Time{})
}
