package server

import "time"

// KeepAlive reports whether a connection may wait for another request
// once it has answered req, the served-th request it read (1 for the
// first), having been open for age on the server's clock. It may not when
//   - the client asked to close: req.WantsClose() (HTTP/1.0, or a
//     Connection header that lists "close", in any case);
//   - c.MaxRequestsPerConn is set and served has reached it: the answer to
//     the MaxRequestsPerConn-th request is the connection's last;
//   - c.MaxConnAge is set and age has reached it.
//
// A limit of zero means no limit. ServeConn asks once the handler has
// answered, before it writes the response: when KeepAlive reports false,
// the response says "Connection: close" and the connection closes after
// it. So a limit never cuts a request in the middle: a connection that
// grows too old while its handler runs still gets its answer, its last.
func (c Config) KeepAlive(served int, age time.Duration, req *Request) bool {
	// TODO(tcpserver): false when req.WantsClose(), when a limit of c is set
	// (greater than zero) and reached by served or age; true otherwise.
	panic("TODO(tcpserver): implement KeepAlive in solutions/server/keepalive.go")
}
