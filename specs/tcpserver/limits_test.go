package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// accepted is what an Accept call returned.
type accepted struct {
	conn net.Conn
	err  error
}

// limit wraps ln with server.Limit(ln, n, clk); the wrapper is closed when
// the spec ends, which ends any Accept still waiting.
func limit(ctx context.Context, ln net.Listener, n int, clk clock.Clock) net.Listener {
	GinkgoHelper()
	lim := harness.Go("server.Limit(ln, n, clk)", func() net.Listener { return server.Limit(ln, n, clk) }).Wait(ctx)
	Expect(lim).NotTo(BeNil(), "server.Limit returned a nil listener. %s", harness.See("limits"))
	DeferCleanup(func() { lim.Close() })
	return lim
}

// startAccept calls lim.Accept() on a goroutine of the spec's: the spec
// plays the accept loop. Get the connection with acceptedConn.
func startAccept(lim net.Listener) *harness.Call[accepted] {
	return harness.Go("lim.Accept()", func() accepted {
		conn, err := lim.Accept()
		return accepted{conn, err}
	})
}

// acceptedConn waits for the connection an Accept call hands out, closed
// when the spec ends.
func acceptedConn(ctx context.Context, call *harness.Call[accepted]) net.Conn {
	GinkgoHelper()
	got := call.Wait(ctx)
	Expect(got.err).NotTo(HaveOccurred(), "Accept failed with a client waiting and a place free. %s", harness.See("limits"))
	Expect(got.conn).NotTo(BeNil(), "Accept returned neither a connection nor an error. %s", harness.See("limits"))
	DeferCleanup(func() { got.conn.Close() })
	return got.conn
}

// accept calls lim.Accept() and waits for the connection it hands out.
func accept(ctx context.Context, lim net.Listener) net.Conn {
	GinkgoHelper()
	return acceptedConn(ctx, startAccept(lim))
}

// closeConn closes a connection Accept handed out, on a goroutine of the
// spec's.
func closeConn(ctx context.Context, conn net.Conn) {
	GinkgoHelper()
	harness.Go("conn.Close() on a connection Accept handed out", func() error { return conn.Close() }).Wait(ctx)
}

// expectRefused checks that client was answered the 503 and closed, while
// pending (an Accept call) went on waiting for a client it may serve.
func expectRefused(ctx context.Context, pending *harness.Call[accepted], client net.Conn, why string) {
	GinkgoHelper()
	br := bufio.NewReader(client)
	read := startReading(br)
	pending.WaitFor(ctx, "a client over the limit to be answered 503 Service Unavailable. "+why, func(ctx context.Context) error {
		select {
		case <-read.Done():
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	got := read.Wait(ctx)
	Expect(got.err).NotTo(HaveOccurred(), "The refused client could not read a response. %s", harness.See("limits"))
	Expect(got.status).To(Equal(http.StatusServiceUnavailable), "%s", harness.See("limits"))
	Expect(got.close).To(BeTrue(), "The 503 says Connection: close. %s", harness.See("limits"))
	Expect(got.body).To(Equal("Service Unavailable\n"))
	_, err := br.ReadByte()
	Expect(ended(err)).To(BeTrue(), "After its 503 the refused client's connection should be closed, got %v. %s", err, harness.See("limits"))
}

var _ = Describe("limits", Label("limits"), func() {
	It("hands out at most n connections at once, and answers the next client 503 without reading its request", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		lim := limit(ctx, ln, 2, clk)

		dial(network, ln)
		dial(network, ln)
		first := accept(ctx, lim)
		accept(ctx, lim)
		third := dial(network, ln) // sends nothing: the 503 does not wait for a request
		pending := startAccept(lim)
		expectRefused(ctx, pending, third, "Two connections are open and the limit is 2: Accept must answer the "+
			"third client itself, close it, and go on waiting, rather than hand it out")

		closeConn(ctx, first)
		fourth := dial(network, ln)
		Expect(acceptedConn(ctx, pending).RemoteAddr().String()).To(Equal(fourth.LocalAddr().String()), "One of the two connections "+
			"was closed: its place should go to the next client. %s", harness.See("limits"))
	}, harness.Timeout)

	It("frees a place when a connection closes, once however many times it is closed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		lim := limit(ctx, ln, 1, clk)

		dial(network, ln)
		conn := accept(ctx, lim)
		closeConn(ctx, conn)
		closeConn(ctx, conn) // Serve closes it, and so may the code it served: closing twice is common

		dial(network, ln)
		accept(ctx, lim)
		pending := startAccept(lim)
		expectRefused(ctx, pending, dial(network, ln), "The first connection was closed twice, which frees its place "+
			"once: the second holds the only place, so the third client is over the limit. Give the place back in "+
			"a sync.Once")
	}, harness.Timeout)

	It("refuses on the accepting goroutine: a client that does not read holds it only until RefuseTimeout, and costs no goroutine", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk), memnet.WithWindow(16)) // the 503 does not fit: it waits for a reader
		ln := listen(network)
		lim := limit(ctx, ln, 1, clk)

		dial(network, ln)
		holder := accept(ctx, lim)
		mute := dial(network, ln) // never reads
		pending := startAccept(lim)
		pending.WaitFor(ctx, "Accept to refuse the client over the limit with a write deadline RefuseTimeout "+
			"ahead on the clock: this client reads nothing, so writing its 503 blocks once 16 bytes are in flight",
			func(ctx context.Context) error { return clk.WaitForTimer(ctx, server.RefuseTimeout) })
		Expect(harness.GoroutinesStartedBy(learnerPackage)).To(BeEmpty(), "Limit started goroutines to refuse a "+
			"client: refusing must happen on the accepting goroutine, or a flood of clients that never read costs a "+
			"goroutine each. Started:\n%s%s", harness.ListGoroutinesStartedBy(learnerPackage), harness.See("limits"))

		clk.Advance(server.RefuseTimeout)
		rest := startReadAll(mute)
		harness.Receive(ctx, rest.Done(), "the mute client's connection to be closed after RefuseTimeout", harness.See("limits"))
		Expect(strings.HasPrefix(busy, rest.Wait(ctx))).To(BeTrue(), "The mute client should have got the start of the 503, then the end of the stream.")

		expectRefused(ctx, pending, dial(network, ln), "Once the mute client's deadline passed, Accept should serve the next client over the limit")
		closeConn(ctx, holder)
		next := dial(network, ln)
		Expect(acceptedConn(ctx, pending).RemoteAddr().String()).To(Equal(next.LocalAddr().String()),
			"The holder closed its connection: its place should go to the next client. %s", harness.See("limits"))
	}, harness.Timeout)

	It("keeps its count under contention: connections closed twice, at once, while Accept hands out another", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const n = 8
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		lim := limit(ctx, ln, n, clk)

		conns := make([]net.Conn, n)
		for i := range conns {
			dial(network, ln)
			conns[i] = accept(ctx, lim)
		}
		closeConn(ctx, conns[0]) // one place free, so that the client below is never turned away
		pending := startAccept(lim)
		// Every connection is closed twice at once (the first once more), as
		// Serve's deferred Close and a handler's own may do, while a new
		// client arrives and Accept takes a place: 2n+1 goroutines on the
		// count at the same time.
		start := make(chan struct{})
		closers := make([]*harness.Call[error], 0, 2*n)
		for _, c := range conns {
			for range 2 {
				closers = append(closers, harness.Go("conn.Close() on a connection Accept handed out", func() error {
					<-start
					return c.Close()
				}))
			}
		}
		arrived := harness.Go("a client dialing while the places are freed", func() net.Conn {
			<-start
			conn, err := network.Dial("tcp", ln.Addr().String())
			if err != nil {
				return nil
			}
			return conn
		})
		close(start)
		for _, c := range closers {
			c.Wait(ctx)
		}
		newcomer := arrived.Wait(ctx)
		Expect(newcomer).NotTo(BeNil(), "A client could not connect.")
		DeferCleanup(func() { newcomer.Close() })
		acceptedConn(ctx, pending)

		// n places were freed, once each, and one was taken: n-1 are free.
		for range n - 1 {
			dial(network, ln)
			accept(ctx, lim)
		}
		pending = startAccept(lim)
		expectRefused(ctx, pending, dial(network, ln), fmt.Sprintf("%d connections were each closed twice at once, "+
			"which frees %d places, and %d clients took them: the limit is reached again. A count that lost or "+
			"doubled an update under contention lets this client in, or turns a client away too early: guard it "+
			"(a buffered channel, a mutex, an atomic) and free each place once (sync.Once)", n, n, n))
	}, harness.Timeout)

	It("passes the listener's errors through, and closes the listener it wraps", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		lim := limit(ctx, ln, 1, clk)

		pending := startAccept(lim)
		Expect(lim.Close()).To(Succeed())
		harness.Receive(ctx, pending.Done(), "Accept to return once the listener was closed",
			"Accept must return the error of the listener it wraps, not try again. "+harness.See("limits"))
		Expect(pending.Wait(ctx).err).To(MatchError(net.ErrClosed), "%s", harness.See("limits"))
		_, err := network.Dial("tcp", ln.Addr().String())
		Expect(err).To(HaveOccurred(), "Closing the limited listener should close the one it wraps. %s", harness.See("limits"))
	}, harness.Timeout)
})

// busy is the 503 Limit writes.
const busy = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 20\r\nConnection: close\r\n\r\nService Unavailable\n"
