package server

import (
	"net"
	"sync"
)

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
	max   int
	mu    sync.Mutex
	conns map[net.Conn]bool // the open connections, true while idle
}

// NewPool returns an empty pool that admits at most max connections at
// once; max is at least 1.
func NewPool(max int) *Pool {
	return &Pool{max: max, conns: make(map[net.Conn]bool)}
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
	p.mu.Lock()
	if len(p.conns) < p.max {
		p.conns[conn] = false
		p.mu.Unlock()
		return true
	}
	var victim net.Conn
	for c, idle := range p.conns {
		if idle {
			victim = c
			break
		}
	}
	if victim == nil {
		p.mu.Unlock()
		return false
	}
	delete(p.conns, victim) // gone from the count before the lock is let go
	p.conns[conn] = false
	p.mu.Unlock()
	victim.Close()
	return true
}

// Busy records that conn has read a request and now serves it: Admit may
// not close it until it is idle again. It reports false when conn is not
// open in the pool: Admit closed it to make room (while its request
// arrived: the request must be dropped), or it has left.
func (p *Pool) Busy(conn net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.conns[conn]; !ok {
		return false
	}
	p.conns[conn] = false
	return true
}

// Idle records that conn has answered its request and waits for the next
// one: from now on, Admit may close it to make room. It does nothing for a
// connection that is not open in the pool.
func (p *Pool) Idle(conn net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.conns[conn]; ok {
		p.conns[conn] = true
	}
}

// Leave records that conn was closed: its place is free for the next
// Admit. A connection leaves once: Leave again, or Leave for a connection
// Admit closed to make room (whose place went to another already), frees
// nothing.
func (p *Pool) Leave(conn net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, conn)
}

// Open returns how many connections hold a place: admitted, and neither
// left nor closed by Admit.
func (p *Pool) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}
