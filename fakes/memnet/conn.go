package memnet

import (
	"io"
	"net"
	"sync/atomic"
	"time"
)

// Conn is one end of an in-memory TCP connection, returned by Dial, Accept
// and Pipe. Besides net.Conn it has the half-close methods of *net.TCPConn
// and, for tests, Reset and the two Streams to inject faults into. All
// methods are safe for concurrent use.
type Conn struct {
	network       *Network
	netName       string
	in, out       *Stream
	local, remote *net.TCPAddr
	ownsPort      bool // an ephemeral port to give back on Close
	closed        atomic.Bool
}

var _ net.Conn = (*Conn)(nil)

// Read reads what the peer wrote, blocking until at least one byte is
// there. Once the peer has closed its writing side and every byte has
// been read, it returns a bare io.EOF, so io.ReadFull and friends work.
// Other errors are *net.OpError values, as on TCP.
func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.in.read(b)
	if err != nil && err != io.EOF {
		err = c.opError("read", err)
	}
	return n, err
}

// Write writes b, blocking while the window toward the peer is full. It
// is atomic with respect to other Writes, even when b is larger than the
// window. If it fails part-way it returns the number of bytes written.
func (c *Conn) Write(b []byte) (int, error) {
	n, err := c.out.write(b)
	if err != nil {
		if _, ok := err.(*net.OpError); !ok {
			err = c.opError("write", err)
		}
	}
	return n, err
}

// Close closes the connection gracefully: the peer reads what was written,
// then io.EOF, and its Writes fail with EPIPE. Blocked calls on this end
// return net.ErrClosed. On a network made WithUnreadReset, a Close with
// bytes from the peer still unread is a Reset instead, as on Linux.
func (c *Conn) Close() error {
	return c.close(c.network.unreadReset && c.in.unread())
}

// Reset closes the connection abortively, as a TCP RST does (a close with
// SO_LINGER 0): the peer's Reads and Writes fail at once with ECONNRESET,
// and bytes in flight in either direction are lost.
func (c *Conn) Reset() error { return c.close(true) }

func (c *Conn) close(reset bool) error {
	if !c.closed.CompareAndSwap(false, true) {
		return c.opError("close", net.ErrClosed)
	}
	c.in.closeReader(reset)
	c.out.closeWriter(reset)
	if c.ownsPort {
		c.network.releasePort(uint16(c.local.Port))
	}
	return nil
}

// CloseRead shuts down the reading side: Reads return io.EOF and the
// peer's Writes fail with EPIPE.
func (c *Conn) CloseRead() error {
	if c.closed.Load() {
		return c.opError("close", net.ErrClosed)
	}
	c.in.shutRead()
	return nil
}

// CloseWrite shuts down the writing side: the peer reads what was written,
// then io.EOF, and Writes here fail with EPIPE. Reading goes on.
func (c *Conn) CloseWrite() error {
	if c.closed.Load() {
		return c.opError("close", net.ErrClosed)
	}
	c.out.shutWrite()
	return nil
}

// LocalAddr returns this end's address, a *net.TCPAddr.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the peer's address, a *net.TCPAddr.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets the read and write deadlines, as net.Conn describes.
func (c *Conn) SetDeadline(t time.Time) error {
	if c.closed.Load() {
		return c.setError()
	}
	c.in.setDeadline(true, t)
	c.out.setDeadline(false, t)
	return nil
}

// SetReadDeadline sets the deadline for Reads, on the network's clock. A
// future deadline arms a timer on that clock at once; a past one makes
// Reads fail immediately, even with data waiting. The zero time clears it.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.closed.Load() {
		return c.setError()
	}
	c.in.setDeadline(true, t)
	return nil
}

// SetWriteDeadline sets the deadline for Writes, like SetReadDeadline. A
// Write that times out part-way returns the number of bytes it wrote.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if c.closed.Load() {
		return c.setError()
	}
	c.out.setDeadline(false, t)
	return nil
}

// Inbound returns the stream this end reads: the peer's writes.
func (c *Conn) Inbound() *Stream { return c.in }

// Outbound returns the stream this end writes: the peer's reads.
func (c *Conn) Outbound() *Stream { return c.out }

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.netName, Source: c.local, Addr: c.remote, Err: err}
}

// setError is what setting a deadline on a closed TCP connection returns.
func (c *Conn) setError() error {
	return &net.OpError{Op: "set", Net: c.netName, Addr: c.local, Err: net.ErrClosed}
}
