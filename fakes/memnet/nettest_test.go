package memnet_test

import (
	"fmt"
	"net"
	"testing"

	"golang.org/x/net/nettest"

	"autoroute/fakes/memnet"
)

// windows are the buffer sizes nettest runs at: net.Pipe's 0, a single
// byte (every Write blocks many times), a page and the default.
var windows = []int{0, 1, 4 << 10, memnet.DefaultWindow}

// TestConnConformance runs golang.org/x/net/nettest's net.Conn conformance
// suite with the real clock, for Pipe and for Listen+Dial.
func TestConnConformance(t *testing.T) {
	for _, window := range windows {
		t.Run(fmt.Sprintf("window=%d/Pipe", window), func(t *testing.T) {
			t.Parallel()
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				c1, c2 = memnet.New(memnet.WithWindow(window)).Pipe()
				return c1, c2, func() { c1.Close(); c2.Close() }, nil
			})
		})
		t.Run(fmt.Sprintf("window=%d/Dial", window), func(t *testing.T) {
			t.Parallel()
			nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
				return dialPair(memnet.New(memnet.WithWindow(window)))
			})
		})
	}
}

// dialPair listens on a fresh port, dials it and accepts, returning the
// client and server ends.
func dialPair(n *memnet.Network) (client, server net.Conn, stop func(), err error) {
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	client, err = n.Dial("tcp", ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, nil, nil, err
	}
	server, err = ln.Accept()
	if err != nil {
		client.Close()
		ln.Close()
		return nil, nil, nil, err
	}
	return client, server, func() { client.Close(); server.Close(); ln.Close() }, nil
}
