package memnet_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
)

// budget is the real-time safety net of a test: never a reason for a test
// to pass, only the point where a hang becomes a failure.
const budget = 5 * time.Second

func budgetContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), budget)
	t.Cleanup(cancel)
	return ctx
}

// result is what a Read or Write on another goroutine returned.
type result struct {
	n   int
	err error
	b   []byte
}

// readAsync reads once into a buffer of size bytes on a new goroutine.
func readAsync(c net.Conn, size int) <-chan result {
	ch := make(chan result, 1)
	go func() {
		b := make([]byte, size)
		n, err := c.Read(b)
		ch <- result{n: n, err: err, b: b[:n]}
	}()
	return ch
}

// writeAsync writes b on a new goroutine.
func writeAsync(c net.Conn, b []byte) <-chan result {
	ch := make(chan result, 1)
	go func() {
		n, err := c.Write(b)
		ch <- result{n: n, err: err}
	}()
	return ch
}

// await returns the result, failing the test if it takes longer than the
// safety budget.
func await(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(budget):
		t.Fatal("the call did not return within the safety budget")
		return result{}
	}
}

// fakeNet returns a network on a fresh fake clock.
func fakeNet(opts ...memnet.Option) (*memnet.Network, *clock.Fake) {
	fake := clock.NewFake()
	return memnet.New(append([]memnet.Option{memnet.WithClock(fake)}, opts...)...), fake
}

// pipe returns the two ends of a connection as *memnet.Conn and closes them
// when the test ends.
func pipe(t *testing.T, n *memnet.Network) (*memnet.Conn, *memnet.Conn) {
	a, b := n.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a.(*memnet.Conn), b.(*memnet.Conn)
}

// connected listens, dials and accepts, returning client and server.
func connected(t *testing.T, n *memnet.Network) (client, server *memnet.Conn) {
	t.Helper()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	s, err := ln.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*memnet.Conn), s.(*memnet.Conn)
}

// requireOpError checks err is a *net.OpError for op that matches target
// with errors.Is, as TCP's errors do.
func requireOpError(t *testing.T, err error, op string, target error) *net.OpError {
	t.Helper()
	require.Error(t, err)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr, "want a *net.OpError, got %T: %v", err, err)
	require.Equal(t, op, opErr.Op, "OpError.Op of %v", err)
	require.ErrorIs(t, err, target)
	return opErr
}
