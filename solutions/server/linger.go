package server

import (
	"net"
	"time"

	"autoroute/fakes/clock"
)

// What a lingering close may cost the server, whatever the client does.
const (
	// LingerTimeout is how long CloseLingering waits, on the server's
	// clock, for the client to finish sending once the server is done
	// writing. net/http waits as long before it closes (it only sleeps).
	LingerTimeout = 500 * time.Millisecond
	// MaxLingerBytes is the most CloseLingering reads and throws away: a
	// client that keeps sending is not worth more of the server's time.
	MaxLingerBytes = 256 << 10
)

// CloseLingering closes conn without destroying what the server has just
// written to it. Closing a TCP connection while bytes from the client are
// still unread, or still arriving, makes the kernel answer with a reset,
// and a reset can destroy the response before the client reads it
// (RFC 9112, section 9.6). So CloseLingering:
//
//  1. closes the writing side first if conn can (a CloseWrite method, as
//     *net.TCPConn and *memnet.Conn have): the client reads the whole
//     response, then the end of the stream, and closes in turn;
//  2. reads what the client still sends and throws it away, until the
//     client's end of the stream, LingerTimeout on clk (a read deadline),
//     MaxLingerBytes, or any read error (a Shutdown that closes conn);
//  3. closes conn, and returns Close's error.
func CloseLingering(conn net.Conn, clk clock.Clock) error {
	// TODO(tcpserver): CloseWrite if conn has it (a type assertion to an
	// interface), then a read deadline LingerTimeout away on clk, read and
	// discard at most MaxLingerBytes, and Close. Until you do, it closes
	// at once, as before this exercise (and a refused client may read a
	// reset instead of its 503).
	return conn.Close()
}
