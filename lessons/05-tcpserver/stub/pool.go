package server

import "net"

// A Pool counts a server's open connections, at most max at once, and
// knows what each one is doing: fresh (admitted, its first request not read
// yet), serving a request (between Busy and Idle), or idle (kept alive,
// waiting for its next request, since Idle). A server at its limit can then
// close an idle connection to make room for a new client, instead of
// refusing the client while a place is held by a connection that waits for
// nothing. Server.Serve uses one when Config.MaxConns is set (see admit.go).
//
// Every method may be called from any goroutine, at the same time as the
// others: the accept loop admits while each connection's goroutine marks
// its own connection busy, idle, and gone.
type Pool struct {
	// TODO(tcpserver): your fields: max, a sync.Mutex, and what each open
	// connection is doing (a map from net.Conn to its state, say).
}

// NewPool returns an empty pool that admits at most max connections at
// once; max is at least 1.
func NewPool(max int) *Pool {
	// TODO(tcpserver): remember max, make what Pool needs. Until you do,
	// NewPool returns nil, and a server with MaxConns limits its
	// connections with your Limit (limits.go), as before this exercise:
	// it refuses newcomers without closing an idle connection (admit.go).
	return nil
}

// Admit is called for a connection just accepted, and reports whether it
// may be served. While fewer than max connections are open, it admits conn,
// fresh. At max, it picks one of the idle connections, closes it and admits
// conn in its place: the place goes from one to the other, and the count
// stays at max. With no idle connection it admits nothing and reports
// false: the caller refuses conn. It never closes a connection that is
// fresh or serving a request.
//
// Closing a server's connection calls Leave, from the goroutine that
// closes it: Admit must close the idle connection after it has let go of
// any lock Leave takes.
func (p *Pool) Admit(conn net.Conn) bool {
	// TODO(tcpserver): under the lock, admit conn if there is a place; else
	// pick an idle connection, take it out of the count and put conn in;
	// let go of the lock, then close the one you picked.
	panic("TODO(tcpserver): implement Pool.Admit in solutions/server/pool.go")
}

// Busy records that conn has read a request and now serves it: Admit may
// not close it until it is idle again. It reports false when conn is not
// open in the pool: Admit closed it to make room (while its request
// arrived: the request must be dropped), or it has left.
func (p *Pool) Busy(conn net.Conn) bool {
	// TODO(tcpserver): false if conn is not counted; else mark it serving.
	panic("TODO(tcpserver): implement Pool.Busy in solutions/server/pool.go")
}

// Idle records that conn has answered its request and waits for the next
// one: from now on, Admit may close it to make room. It does nothing for a
// connection that is not open in the pool.
func (p *Pool) Idle(conn net.Conn) {
	// TODO(tcpserver): mark conn idle, if it is counted.
	panic("TODO(tcpserver): implement Pool.Idle in solutions/server/pool.go")
}

// Leave records that conn was closed: its place is free for the next
// Admit. A connection leaves once: Leave again, or Leave for a connection
// Admit closed to make room (whose place went to another already), frees
// nothing.
func (p *Pool) Leave(conn net.Conn) {
	// TODO(tcpserver): forget conn, if it is counted.
	panic("TODO(tcpserver): implement Pool.Leave in solutions/server/pool.go")
}

// Open returns how many connections hold a place: admitted, and neither
// left nor closed by Admit.
func (p *Pool) Open() int {
	// TODO(tcpserver): how many connections are counted.
	panic("TODO(tcpserver): implement Pool.Open in solutions/server/pool.go")
}
