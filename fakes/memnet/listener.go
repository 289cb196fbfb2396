package memnet

import (
	"net"
	"net/netip"
	"sync/atomic"
)

// Listener is a TCP-like listener on a Network; Network.Listen returns one.
// Its methods are safe for concurrent use.
type Listener struct {
	network *Network
	netName string
	addr    netip.AddrPort
	tcpAddr *net.TCPAddr

	// queue is the backlog: connections dialled but not yet accepted. A
	// channel lets Dial and Accept wait on it and on done in one select.
	queue  chan *Conn
	done   chan struct{}
	closed atomic.Bool

	failures acceptFailures // FailAccept's pending faults
}

var _ net.Listener = (*Listener)(nil)

// Accept waits for the next connection and returns its server end. On a
// closed listener it fails with a *net.OpError wrapping net.ErrClosed.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case <-l.done:
		return nil, l.closedError("accept")
	default:
	}
	if err := l.failures.take(); err != nil {
		return nil, &net.OpError{Op: "accept", Net: l.netName, Addr: l.tcpAddr, Err: err}
	}
	select {
	case c := <-l.queue:
		return c, nil
	case <-l.done:
		return nil, l.closedError("accept")
	}
}

// Close stops listening. Blocked Accept calls return net.ErrClosed, later
// dials are refused, and connections dialled but never accepted are reset,
// as the kernel resets them when a listening socket closes.
func (l *Listener) Close() error {
	if !l.closed.CompareAndSwap(false, true) {
		return l.closedError("close")
	}
	l.network.removeListener(l)
	close(l.done)
	l.resetQueued()
	return nil
}

// resetQueued resets the connections left in the backlog. Close calls it
// once closed is set; a Dial that queued its connection concurrently calls
// it too when it then sees closed set, so no connection is left stranded in
// the queue of a dead listener.
func (l *Listener) resetQueued() {
	for {
		select {
		case c := <-l.queue:
			c.Reset()
		default:
			return
		}
	}
}

// Addr returns the listener's address, a *net.TCPAddr with the port it
// was given or picked.
func (l *Listener) Addr() net.Addr { return l.tcpAddr }

func (l *Listener) closedError(op string) error {
	return &net.OpError{Op: op, Net: l.netName, Addr: l.tcpAddr, Err: net.ErrClosed}
}
