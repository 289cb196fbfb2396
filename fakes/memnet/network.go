package memnet

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"autoroute/fakes/clock"
)

// DefaultWindow is the per-direction buffer of a connection unless
// WithWindow says otherwise: the size of a typical TCP receive window.
const DefaultWindow = 64 << 10

// DefaultBacklog is how many dialled connections a listener queues before
// Accept takes them, unless WithBacklog says otherwise.
const DefaultBacklog = 128

// Ephemeral ports are handed out from the range Linux uses by default.
const (
	firstEphemeralPort = 32768
	lastEphemeralPort  = 60999
)

// Network is an isolated in-memory network. Make one per test with New;
// its zero value is not usable.
type Network struct {
	clock       clock.Clock
	window      int
	backlog     int
	unreadReset bool // WithUnreadReset: Close with unread bytes is a Reset

	mu        sync.Mutex
	listeners map[uint16][]*Listener // by port; several only when their IPs differ
	ports     map[uint16]int         // how many listeners and connections use each port
	nextPort  uint16
}

// Option configures a Network.
type Option func(*Network)

// WithClock makes deadlines and latency run on c instead of the real clock.
// Pass a *clock.Fake to drive them from a test.
func WithClock(c clock.Clock) Option {
	return func(n *Network) { n.clock = c }
}

// WithWindow sets how many bytes each direction of a connection buffers
// before a Write blocks. 0 makes every Write wait for a Read to take its
// bytes, like net.Pipe. It panics if bytes is negative.
func WithWindow(bytes int) Option {
	if bytes < 0 {
		panic(fmt.Sprintf("memnet: negative window %d", bytes))
	}
	return func(n *Network) { n.window = bytes }
}

// WithBacklog sets how many connections a listener queues before Accept
// takes them; a Dial beyond that waits for room. It panics if n < 1.
func WithBacklog(connections int) Option {
	if connections < 1 {
		panic(fmt.Sprintf("memnet: backlog %d, want at least 1", connections))
	}
	return func(n *Network) { n.backlog = connections }
}

// WithUnreadReset makes the network close the way Linux closes a TCP
// socket: a Close while bytes from the peer are still unread (buffered, or
// still being written) is a Reset. The peer's Reads and Writes then fail
// with ECONNRESET, and what it had not read yet is lost, the response the
// closing end has just written included (RFC 9112, section 9.6). Without
// it, Close is always graceful. A lingering close (CloseWrite, read what is
// left, then Close) closes gracefully on either network.
func WithUnreadReset() Option {
	return func(n *Network) { n.unreadReset = true }
}

// New returns an empty network: no listeners, every port free.
func New(opts ...Option) *Network {
	n := &Network{
		clock:     clock.Real(),
		window:    DefaultWindow,
		backlog:   DefaultBacklog,
		listeners: make(map[uint16][]*Listener),
		ports:     make(map[uint16]int),
		nextPort:  firstEphemeralPort,
	}
	for _, opt := range opts {
		opt(n)
	}
	if n.clock == nil {
		n.clock = clock.Real()
	}
	return n
}

// Clock returns the clock the network's deadlines and latency run on.
func (n *Network) Clock() clock.Clock { return n.clock }

// Listen announces on the local address, like net.Listen. The network must
// be "tcp", "tcp4" or "tcp6". A port of 0 picks a free port; an empty host
// or an unspecified IP listens on every address. Any IP counts as local.
func (n *Network) Listen(network, address string) (net.Listener, error) {
	addr, err := resolve(network, address, false)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}

	n.mu.Lock()
	defer n.mu.Unlock()
	if addr.Port() == 0 {
		port, ok := n.freePortLocked()
		if !ok {
			return nil, &net.OpError{Op: "listen", Net: network, Addr: net.TCPAddrFromAddrPort(addr), Err: errNoPorts}
		}
		addr = netip.AddrPortFrom(addr.Addr(), port)
	} else if n.listenerConflictLocked(addr) {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: net.TCPAddrFromAddrPort(addr), Err: errAddrInUse}
	}
	l := &Listener{
		network: n,
		netName: network,
		addr:    addr,
		tcpAddr: net.TCPAddrFromAddrPort(addr),
		queue:   make(chan *Conn, n.backlog),
		done:    make(chan struct{}),
	}
	n.listeners[addr.Port()] = append(n.listeners[addr.Port()], l)
	n.ports[addr.Port()]++
	return l, nil
}

// Dial connects to the address on the named network, like net.Dial.
func (n *Network) Dial(network, address string) (net.Conn, error) {
	return n.DialContext(context.Background(), network, address)
}

// DialContext connects to the address on the named network, like
// net.Dialer.DialContext. It succeeds as soon as the listener has queued the
// connection, before Accept, as TCP does; it waits only when the listener's
// backlog is full, and then gives up when ctx ends.
func (n *Network) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	raddr, err := resolve(network, address, true)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	dialErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(raddr), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, dialErr(contextError(err))
	}

	n.mu.Lock()
	l := n.listenerForLocked(raddr)
	if l == nil {
		n.mu.Unlock()
		return nil, dialErr(errRefused)
	}
	port, ok := n.allocatePortLocked()
	n.mu.Unlock()
	if !ok {
		return nil, dialErr(errNoPorts)
	}

	if l.closed.Load() {
		n.releasePort(port)
		return nil, dialErr(errRefused)
	}
	laddr := netip.AddrPortFrom(raddr.Addr(), port)
	client, server := n.newConnPair(network, laddr, raddr)
	client.ownsPort = true

	select {
	case l.queue <- server:
	case <-l.done:
		n.releasePort(port)
		return nil, dialErr(errRefused)
	case <-ctx.Done():
		n.releasePort(port)
		return nil, dialErr(contextError(ctx.Err()))
	}
	if l.closed.Load() {
		// The listener closed as the connection was queued: reset it,
		// as the kernel resets a backlog, rather than leave it stranded.
		l.resetQueued()
	}
	return client, nil
}

// Pipe returns the two ends of a connection that no listener was involved
// in, like net.Pipe but with this network's window, clock and errors. Both
// ends have 127.0.0.1 addresses with ports of their own.
func (n *Network) Pipe() (net.Conn, net.Conn) {
	loopback := netip.AddrFrom4([4]byte{127, 0, 0, 1})
	n.mu.Lock()
	p1, ok1 := n.allocatePortLocked()
	p2, ok2 := n.allocatePortLocked()
	n.mu.Unlock()
	if !ok1 || !ok2 {
		panic("memnet: Pipe: no free ports left")
	}
	c1, c2 := n.newConnPair("tcp", netip.AddrPortFrom(loopback, p1), netip.AddrPortFrom(loopback, p2))
	c1.ownsPort, c2.ownsPort = true, true
	return c1, c2
}

// newConnPair makes the two ends of a connection between a and b.
func (n *Network) newConnPair(network string, a, b netip.AddrPort) (*Conn, *Conn) {
	aToB := newStream(n.clock, n.window)
	bToA := newStream(n.clock, n.window)
	aAddr, bAddr := net.TCPAddrFromAddrPort(a), net.TCPAddrFromAddrPort(b)
	ca := &Conn{network: n, netName: network, in: bToA, out: aToB, local: aAddr, remote: bAddr}
	cb := &Conn{network: n, netName: network, in: aToB, out: bToA, local: bAddr, remote: aAddr}
	return ca, cb
}

// listenerConflictLocked reports whether addr is taken: TCP refuses a second
// listener on a port when the IPs are equal or either one is a wildcard.
func (n *Network) listenerConflictLocked(addr netip.AddrPort) bool {
	for _, l := range n.listeners[addr.Port()] {
		if l.addr.Addr() == addr.Addr() || l.addr.Addr().IsUnspecified() || addr.Addr().IsUnspecified() {
			return true
		}
	}
	return false
}

// listenerForLocked finds who accepts a dial to addr: a listener on that
// exact IP, or else one on the wildcard address.
func (n *Network) listenerForLocked(addr netip.AddrPort) *Listener {
	var wildcard *Listener
	for _, l := range n.listeners[addr.Port()] {
		switch {
		case l.addr.Addr() == addr.Addr():
			return l
		case l.addr.Addr().IsUnspecified():
			wildcard = l
		}
	}
	return wildcard
}

func (n *Network) removeListener(l *Listener) {
	n.mu.Lock()
	defer n.mu.Unlock()
	port := l.addr.Port()
	ls := n.listeners[port]
	for i, other := range ls {
		if other == l {
			ls = append(ls[:i], ls[i+1:]...)
			break
		}
	}
	if len(ls) == 0 {
		delete(n.listeners, port)
	} else {
		n.listeners[port] = ls
	}
	n.releasePortLocked(port)
}

// allocatePortLocked takes the next free ephemeral port for a connection.
func (n *Network) allocatePortLocked() (uint16, bool) {
	port, ok := n.freePortLocked()
	if ok {
		n.ports[port]++
	}
	return port, ok
}

// freePortLocked finds the next ephemeral port nobody uses, round-robin as a
// kernel does, so a port is not reused right after it was released.
func (n *Network) freePortLocked() (uint16, bool) {
	for range lastEphemeralPort - firstEphemeralPort + 1 {
		port := n.nextPort
		if n.nextPort++; n.nextPort > lastEphemeralPort {
			n.nextPort = firstEphemeralPort
		}
		if n.ports[port] == 0 {
			return port, true
		}
	}
	return 0, false
}

func (n *Network) releasePort(port uint16) {
	n.mu.Lock()
	n.releasePortLocked(port)
	n.mu.Unlock()
}

func (n *Network) releasePortLocked(port uint16) {
	if n.ports[port]--; n.ports[port] <= 0 {
		delete(n.ports, port)
	}
}

// resolve turns "host:port" into an address without touching DNS: the host
// is empty, "localhost" or an IP literal. A dial to the wildcard address
// reaches the local machine, as with the net package.
func resolve(network, address string, dialing bool) (netip.AddrPort, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return netip.AddrPort{}, net.UnknownNetworkError(network)
	}
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := net.LookupPort(network, portText)
	if err != nil {
		return netip.AddrPort{}, err
	}

	var ip netip.Addr
	switch host {
	case "":
		ip = netip.IPv6Unspecified()
		if network == "tcp4" {
			ip = netip.IPv4Unspecified()
		}
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		if network == "tcp6" {
			ip = netip.IPv6Loopback()
		}
	default:
		ip, err = netip.ParseAddr(host)
		if err != nil {
			return netip.AddrPort{}, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		ip = ip.Unmap().WithZone("")
	}
	if (network == "tcp4" && !ip.Is4()) || (network == "tcp6" && ip.Is4() && host != "") {
		return netip.AddrPort{}, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	if dialing && ip.IsUnspecified() {
		if ip.Is4() || (host == "" && network != "tcp6") {
			ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		} else {
			ip = netip.IPv6Loopback()
		}
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}
