package memnet_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/memnet"
)

func TestListenPicksAFreePortAndDialGetsAnEphemeralOne(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	laddr, ok := ln.Addr().(*net.TCPAddr)
	require.True(t, ok, "Addr is a %T, want *net.TCPAddr", ln.Addr())
	assert.Equal(t, "127.0.0.1", laddr.IP.String())
	assert.NotZero(t, laddr.Port)

	c, err := n.Dial("tcp", laddr.String())
	require.NoError(t, err)
	defer c.Close()
	s, err := ln.Accept()
	require.NoError(t, err)
	defer s.Close()

	caddr := c.LocalAddr().(*net.TCPAddr)
	assert.NotEqual(t, laddr.Port, caddr.Port, "the client has a port of its own")
	assert.Equal(t, laddr.String(), c.RemoteAddr().String())
	assert.Equal(t, laddr.String(), s.LocalAddr().String())
	assert.Equal(t, caddr.String(), s.RemoteAddr().String())
	assert.Equal(t, "tcp", caddr.Network())
}

func TestPortsAreDistinct(t *testing.T) {
	n := memnet.New()
	seen := map[int]bool{}
	for range 50 {
		ln, err := n.Listen("tcp", ":0")
		require.NoError(t, err)
		defer ln.Close()
		c, err := n.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		for _, port := range []int{ln.Addr().(*net.TCPAddr).Port, c.LocalAddr().(*net.TCPAddr).Port} {
			require.False(t, seen[port], "port %d handed out twice", port)
			seen[port] = true
		}
	}
}

func TestListenOnATakenAddressFailsWithEADDRINUSE(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:8080")
	require.NoError(t, err)
	defer ln.Close()

	for _, addr := range []string{"127.0.0.1:8080", ":8080", "0.0.0.0:8080", "localhost:8080"} {
		_, err = n.Listen("tcp", addr)
		opErr := requireOpError(t, err, "listen", syscall.EADDRINUSE)
		assert.Contains(t, err.Error(), "address already in use", addr)
		assert.Equal(t, "tcp", opErr.Net)
	}

	// Another IP on the same port is a different address.
	other, err := n.Listen("tcp", "127.0.0.2:8080")
	require.NoError(t, err)
	other.Close()

	// Once closed, the address is free again.
	require.NoError(t, ln.Close())
	again, err := n.Listen("tcp", "127.0.0.1:8080")
	require.NoError(t, err)
	again.Close()
}

func TestDialWithNobodyListeningIsRefused(t *testing.T) {
	n := memnet.New()
	_, err := n.Dial("tcp", "127.0.0.1:9")
	opErr := requireOpError(t, err, "dial", syscall.ECONNREFUSED)
	assert.Equal(t, "127.0.0.1:9", opErr.Addr.String())
	assert.Equal(t, "dial tcp 127.0.0.1:9: connect: connection refused", err.Error())

	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ln.Close())
	_, err = n.Dial("tcp", ln.Addr().String())
	requireOpError(t, err, "dial", syscall.ECONNREFUSED)
}

func TestNetworksAreIsolated(t *testing.T) {
	a, b := memnet.New(), memnet.New()
	ln, err := a.Listen("tcp", "127.0.0.1:8080")
	require.NoError(t, err)
	defer ln.Close()
	_, err = b.Dial("tcp", "127.0.0.1:8080")
	requireOpError(t, err, "dial", syscall.ECONNREFUSED)
}

func TestWildcardListenerAcceptsLoopbackDials(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", ":8080")
	require.NoError(t, err)
	defer ln.Close()
	assert.Equal(t, "[::]:8080", ln.Addr().String())

	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", ":8080", "[::1]:8080"} {
		c, err := n.Dial("tcp", addr)
		require.NoError(t, err, addr)
		s, err := ln.Accept()
		require.NoError(t, err)
		assert.Equal(t, c.RemoteAddr().String(), s.LocalAddr().String(), "the server end is at the address dialled")
		c.Close()
		s.Close()
	}
}

func TestAddressErrors(t *testing.T) {
	n := memnet.New()
	_, err := n.Listen("udp", ":0")
	var unknown net.UnknownNetworkError
	assert.ErrorAs(t, err, &unknown)

	_, err = n.Dial("tcp", "no-port")
	var addrErr *net.AddrError
	assert.ErrorAs(t, err, &addrErr)

	_, err = n.Dial("tcp", "example.com:80")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr, "memnet never resolves names but localhost")
	assert.True(t, dnsErr.IsNotFound)

	_, err = n.Listen("tcp4", "[::1]:0")
	assert.ErrorAs(t, err, &addrErr)
}

func TestAcceptOnAClosedListenerReturnsErrClosed(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ln.Close())

	_, err = ln.Accept()
	opErr := requireOpError(t, err, "accept", net.ErrClosed)
	assert.Equal(t, ln.Addr(), opErr.Addr)

	err = ln.Close()
	requireOpError(t, err, "close", net.ErrClosed)
}

func TestCloseWakesABlockedAccept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln, err := memnet.New().Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		errc := make(chan error, 1)
		go func() {
			_, err := ln.Accept()
			errc <- err
		}()
		synctest.Wait()
		require.Empty(t, errc, "Accept returned with nobody dialling")

		require.NoError(t, ln.Close())
		requireOpError(t, <-errc, "accept", net.ErrClosed)
	})
}

func TestDialSucceedsBeforeAcceptAndConnectionsArriveInOrder(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	var clients []net.Conn
	for range 3 {
		c, err := n.Dial("tcp", ln.Addr().String())
		require.NoError(t, err, "a dial completes once queued, before Accept, as on TCP")
		defer c.Close()
		clients = append(clients, c)
	}
	for _, c := range clients {
		s, err := ln.Accept()
		require.NoError(t, err)
		assert.Equal(t, c.LocalAddr().String(), s.RemoteAddr().String())
		s.Close()
	}
}

func TestClosingAListenerResetsConnectionsNotYetAccepted(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, ln.Close())

	_, err = c.Read(make([]byte, 1))
	requireOpError(t, err, "read", syscall.ECONNRESET)
}

func TestDialWaitsForBacklogRoomAndHonoursItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New(memnet.WithBacklog(1))
		ln, err := n.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		addr := ln.Addr().String()

		first, err := n.Dial("tcp", addr)
		require.NoError(t, err)
		defer first.Close()

		// The backlog is full: the next dial waits...
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error, 1)
		go func() {
			_, err := n.DialContext(ctx, "tcp", addr)
			errc <- err
		}()
		synctest.Wait()
		require.Empty(t, errc, "a dial to a full backlog returned at once")

		// ...until its context is cancelled.
		cancel()
		err = <-errc
		requireOpError(t, err, "dial", context.Canceled)
		assert.Equal(t, "dial tcp "+addr+": operation was canceled", err.Error())

		// A dial that waits is let in when Accept makes room.
		connc := make(chan net.Conn, 1)
		go func() {
			c, err := n.Dial("tcp", addr)
			assert.NoError(t, err)
			connc <- c
		}()
		synctest.Wait()
		require.Empty(t, connc)
		s, err := ln.Accept()
		require.NoError(t, err)
		s.Close()
		second := <-connc
		second.Close()
	})
}

func TestDialTimesOutOnTheFakeClock(t *testing.T) {
	n, fake := fakeNet(memnet.WithBacklog(1))
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	first, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer first.Close()

	ctx, cancel := fake.WithTimeout(context.Background(), time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := n.DialContext(ctx, "tcp", ln.Addr().String())
		errc <- err
	}()
	require.NoError(t, fake.WaitForTimer(budgetContext(t), time.Second))
	fake.Advance(time.Second)

	var err2 error
	select {
	case err2 = <-errc:
	case <-time.After(budget):
		t.Fatal("DialContext ignored its context's deadline")
	}
	requireOpError(t, err2, "dial", context.DeadlineExceeded)
	var netErr net.Error
	require.ErrorAs(t, err2, &netErr)
	assert.True(t, netErr.Timeout())
	assert.ErrorIs(t, err2, os.ErrDeadlineExceeded)
}

func TestDialWithADoneContextFailsAtOnce(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = n.DialContext(ctx, "tcp", ln.Addr().String())
	requireOpError(t, err, "dial", context.Canceled)
	assert.False(t, errors.Is(err, syscall.ECONNREFUSED))
}

func TestAPortStaysTakenWhileAnyoneUsesIt(t *testing.T) {
	n := memnet.New()
	ln, err := n.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	c, err := n.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	clientPort := c.LocalAddr().(*net.TCPAddr).Port

	// A listener may bind the port a connection uses (TCP with
	// SO_REUSEADDR allows it), and keeps it when the connection goes.
	shared, err := n.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(clientPort)))
	require.NoError(t, err)
	defer shared.Close()
	require.NoError(t, c.Close())
	for range 100 {
		other, err := n.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer other.Close()
		require.NotEqual(t, clientPort, other.LocalAddr().(*net.TCPAddr).Port, "a port still used by a listener was handed out")
	}
}
