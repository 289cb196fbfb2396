package server

import (
	"net"

	"autoroute/fakes/clock"
)

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
//
// This is the 503 to write:
//
//	HTTP/1.1 503 Service Unavailable\r\n
//	Retry-After: 1\r\n
//	Content-Length: 20\r\n
//	Connection: close\r\n
//	\r\n
//	Service Unavailable\n
func Limit(ln net.Listener, n int, clk clock.Clock) net.Listener {
	// TODO(tcpserver): a type that embeds net.Listener and overrides Accept,
	// with a buffered channel of n places as the count of open connections;
	// a type that embeds net.Conn and overrides Close to free a place once.
	panic("TODO(tcpserver): implement Limit in solutions/server/limits.go")
}
