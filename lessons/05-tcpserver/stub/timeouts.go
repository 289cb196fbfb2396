package server

import (
	"bufio"
	"net"
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
//
// Until you write it, it reads without any deadline: the server works, and
// any client can hold a connection open for ever.
func (s *Server) readRequest(conn net.Conn, br *bufio.Reader, first bool) (*Request, error) {
	// TODO(tcpserver): conn.SetReadDeadline(s.clock.Now().Add(...)) before
	// reading: IdleTimeout until br.Peek(1) sees the next request begin,
	// then HeaderTimeout for the whole of it; clear it once it is read.
	return ReadRequest(br)
}

// writeResponse writes resp to conn, the answer to a request whose method
// is method, with WriteResponseTo (framing.go), within s.cfg.WriteTimeout
// on the server's clock: a client that never reads cannot hold the
// connection, and its goroutine, for ever.
//
// Until you write it, it writes without a deadline.
func (s *Server) writeResponse(conn net.Conn, method string, resp Response) error {
	// TODO(tcpserver): set a write deadline on the server's clock, write,
	// then clear the deadline.
	return WriteResponseTo(conn, method, resp)
}
