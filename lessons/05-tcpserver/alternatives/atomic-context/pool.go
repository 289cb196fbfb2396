package server

import (
	"net"
	"sync"
	"sync/atomic"
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
//
// This design takes no lock: the places are a buffered channel, and each
// connection's state an atomic integer that only compare-and-swap changes,
// so that Admit's "idle, so closed" and Busy's "idle, so serving" cannot
// both win.
type Pool struct {
	places chan struct{} // one value per connection holding a place
	states sync.Map      // net.Conn → *atomic.Int32, one of the states below
}

const (
	stateFresh int32 = iota
	stateServing
	stateIdle
	stateGone // closed by Admit, or left: holds no place
)

// NewPool returns an empty pool that admits at most max connections at
// once; max is at least 1.
func NewPool(max int) *Pool {
	return &Pool{places: make(chan struct{}, max)}
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
	select {
	case p.places <- struct{}{}:
		p.states.Store(conn, new(atomic.Int32))
		return true
	default:
	}
	var victim net.Conn
	p.states.Range(func(key, value any) bool {
		if value.(*atomic.Int32).CompareAndSwap(stateIdle, stateGone) {
			victim = key.(net.Conn)
			return false
		}
		return true
	})
	if victim == nil {
		return false
	}
	p.states.Delete(victim)
	p.states.Store(conn, new(atomic.Int32)) // in the victim's place
	victim.Close()
	return true
}

// Busy records that conn has read a request and now serves it: Admit may
// not close it until it is idle again. It reports false when conn is not
// open in the pool: Admit closed it to make room (while its request
// arrived: the request must be dropped), or it has left.
func (p *Pool) Busy(conn net.Conn) bool {
	return p.move(conn, stateServing)
}

// Idle records that conn has answered its request and waits for the next
// one: from now on, Admit may close it to make room. It does nothing for a
// connection that is not open in the pool.
func (p *Pool) Idle(conn net.Conn) {
	p.move(conn, stateIdle)
}

// move sets conn's state to to, unless it is gone.
func (p *Pool) move(conn net.Conn, to int32) bool {
	value, ok := p.states.Load(conn)
	if !ok {
		return false
	}
	state := value.(*atomic.Int32)
	for {
		from := state.Load()
		if from == stateGone {
			return false
		}
		if state.CompareAndSwap(from, to) {
			return true
		}
	}
}

// Leave records that conn was closed: its place is free for the next
// Admit. A connection leaves once: Leave again, or Leave for a connection
// Admit closed to make room (whose place went to another already), frees
// nothing.
func (p *Pool) Leave(conn net.Conn) {
	value, ok := p.states.LoadAndDelete(conn)
	if !ok {
		return
	}
	if value.(*atomic.Int32).Swap(stateGone) != stateGone {
		<-p.places
	}
}

// Open returns how many connections hold a place: admitted, and neither
// left nor closed by Admit.
func (p *Pool) Open() int {
	return len(p.places)
}
