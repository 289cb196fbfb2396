package tcpserver_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// resetting is a network on clk that closes like Linux: a Close with the
// peer's bytes still unread is a reset, which destroys what the peer had
// not read yet (memnet.WithUnreadReset).
func resetting(clk clock.Clock) *memnet.Network {
	return memnet.New(memnet.WithClock(clk), memnet.WithUnreadReset())
}

// lingering calls server.CloseLingering(conn, clk) on a goroutine of the
// spec's.
func lingering(conn *memnet.Conn, clk clock.Clock) *harness.Call[error] {
	return harness.Go("server.CloseLingering(conn, clk)", func() error { return server.CloseLingering(conn, clk) })
}

// readEnd reads what is left on conn until the end of the stream, and says
// how the stream ended: nil for a clean end (io.EOF), or the error.
type readEnd struct {
	data string
	err  error
}

func startReadEnd(conn *memnet.Conn) *harness.Call[readEnd] {
	return harness.Go("the client's io.ReadAll", func() readEnd {
		data, err := io.ReadAll(conn)
		return readEnd{string(data), err}
	})
}

// counting counts the bytes read from a connection; CloseWrite is still
// there, promoted from *memnet.Conn.
type counting struct {
	*memnet.Conn
	read atomic.Int64
}

func (c *counting) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.read.Add(int64(n))
	return n, err
}

// pipelined is more than a bufio.Reader takes in one read: bytes a server
// that refuses a request leaves unread.
var pipelined = strings.Repeat("GET /next HTTP/1.1\r\nHost: a\r\n\r\n", 300)

var _ = Describe("linger", Label("linger"), func() {
	It("half-closes first: the client reads the whole answer and the end of the stream before it closes", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(resetting(clk))
		send(srv, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		call := lingering(srv, clk)

		got := startReadEnd(client).Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred(), "The client should read the answer, then a clean end of stream. %s", harness.See("linger"))
		Expect(got.data).To(HavePrefix("HTTP/1.1 400"), "The answer written before CloseLingering should reach the client whole.")
		Expect(call.Returned()).To(BeFalse(), "CloseLingering returned before the client closed, and without the clock "+
			"moving: it did not wait for the client at all. %s", harness.See("linger"))
		client.Close() // what a client does once it has read a response that says "Connection: close"
		Expect(call.Wait(ctx, clk)).To(Succeed(), "Once the client has closed, CloseLingering reads the end of the stream "+
			"and closes: Close's error, nil. %s", harness.See("linger"))
		_, err := srv.Write([]byte("x"))
		Expect(errors.Is(err, net.ErrClosed)).To(BeTrue(), "CloseLingering should close the connection: a Write "+
			"afterwards should fail with net.ErrClosed, not %v. %s", err, harness.See("linger"))
	}, harness.Timeout)

	It("drains what the client still sends, for LingerTimeout on the clock, so that closing does not reset the answer", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(resetting(clk))
		send(client, "GET / HTTP/1.1\r\n\r\n"+pipelined) // a request, then more the server will not read
		_, err := io.ReadFull(srv, make([]byte, len("GET / HTTP/1.1\r\n\r\n")))
		Expect(err).NotTo(HaveOccurred())
		send(srv, "HTTP/1.1 400 Bad Request\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n")
		call := lingering(srv, clk)

		// The client reads nothing yet, and never closes: CloseLingering
		// should give up at LingerTimeout, having read what was sent.
		waitForDeadlines(ctx, call, clk, server.LingerTimeout, 1, "CloseLingering to drain: to read what the client "+
			"still sends, with a read deadline LingerTimeout away on the clock it was given, so that a client that "+
			"never closes cannot keep the connection")
		call.WaitFor(ctx, "CloseLingering to have read all the client sent, and to wait in a read for more",
			harness.BlockedIn("autoroute/fakes/memnet", 1, "(*Stream).read"))
		clk.Advance(server.LingerTimeout)
		Expect(call.Wait(ctx, clk)).To(Succeed(), "At LingerTimeout CloseLingering should stop draining and close. %s", harness.See("linger"))

		got := startReadEnd(client).Wait(ctx)
		Expect(errors.Is(got.err, syscall.ECONNRESET)).To(BeFalse(), "The connection was reset: it was closed with bytes of the "+
			"client's still unread, and a reset destroys the answer before the client reads it (RFC 9112, section 9.6). "+
			"Read what the client sent before you close. %s", harness.See("linger"))
		Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("linger"))
		Expect(got.data).To(HaveSuffix("Bad Request\n"), "The client should read the whole answer.")
	}, harness.Timeout)

	It("reads at most MaxLingerBytes: a client that keeps sending is cut off, without waiting for the clock", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, raw := pipe(resetting(clk))
		srv := &counting{Conn: raw}
		flood := harness.Go("a client that sends twice MaxLingerBytes", func() error {
			_, err := client.Write(make([]byte, 2*server.MaxLingerBytes))
			return err
		})
		err := harness.Go("server.CloseLingering(conn, clk)", func() error { return server.CloseLingering(srv, clk) }).Wait(ctx, clk)
		Expect(err).NotTo(HaveOccurred(), "%s", harness.See("linger"))
		Expect(flood.Wait(ctx)).To(MatchError(syscall.ECONNRESET), "CloseLingering returned while the client was "+
			"still sending: it should have stopped after MaxLingerBytes and closed, which resets what is left. %s", harness.See("linger"))
		Expect(srv.read.Load()).To(BeNumerically("<=", server.MaxLingerBytes), "CloseLingering read more "+
			"than MaxLingerBytes: the drain is a courtesy with a cap. %s", harness.See("linger"))
		Expect(srv.read.Load()).To(BeNumerically(">", 0), "CloseLingering read nothing of what the client "+
			"was sending: it closed without draining, and a client still sending gets a reset that can destroy "+
			"the response it has not read yet. %s", harness.See("linger"))
	}, harness.Timeout)

	It("stops at once when the connection is closed under it, as Shutdown does", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		_, srv := pipe(resetting(clk))
		call := lingering(srv, clk)
		waitForDeadlines(ctx, call, clk, server.LingerTimeout, 1, "CloseLingering to drain with its read deadline")
		srv.Close() // Shutdown closes the connections that are not serving a request
		harness.Receive(ctx, call.Done(), "CloseLingering to return once its connection was closed, the clock still",
			"A read on a closed connection fails at once: stop draining on any error, not only at the end of "+
				"the stream or the deadline. "+harness.See("linger"))
	}, harness.Timeout)

	It("is how the server closes after a refusal: a client that sent more still reads the whole 400", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(resetting(clk))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
		send(client, "GET / HTTP/1.1\r\n\r\n"+pipelined) // no Host: refused, with more behind it

		got := startReadEnd(client).Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred(), "The client sent a bad request and more behind it: ServeConn should answer "+
			"400 and close with CloseLingering, so that the client reads the answer and a clean end of stream, not a "+
			"reset. %s", harness.See("linger"))
		reply := readReply(bufio.NewReader(strings.NewReader(got.data)))
		Expect(reply.status).To(Equal(http.StatusBadRequest))
		client.Close()
		harness.Receive(ctx, serve.Done(), "ServeConn to return once the client closed", harness.See("linger"))
	}, harness.Timeout)

	It("is how the server closes after a last response with requests still waiting", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(resetting(clk))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
		send(client, "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"+pipelined)

		got := startReadEnd(client).Wait(ctx, clk)
		Expect(got.err).NotTo(HaveOccurred(), "The client asked to close after /last and sent more requests anyway: "+
			"the server answers /last only, and should close with CloseLingering so that the answer survives. %s", harness.See("linger"))
		reply := readReply(bufio.NewReader(strings.NewReader(got.data)))
		Expect(reply.body).To(Equal("GET /last\n"))
		Expect(reply.close).To(BeTrue())
		client.Close()
		harness.Receive(ctx, serve.Done(), "ServeConn to return once the client closed", harness.See("linger"))
	}, harness.Timeout)
	It("gives way to Shutdown: a connection lingering after a refusal is closed at once and counted idle", func(spec SpecContext) {
		ctx := harness.Context(spec)
		r := startServerOn(ctx, ok, 0, nil, memnet.WithUnreadReset())
		client := dial(r.network, r.ln)
		send(client, "GET / HTTP/1.1\r\n\r\n") // no Host: refused with 400, then a lingering close
		got := awaitReply(ctx, r.serve, bufio.NewReader(client), "the 400 to a request without Host")
		Expect(got.status).To(Equal(http.StatusBadRequest))
		waitForDeadlines(ctx, r.serve, r.clk, server.LingerTimeout, 1, "the server to linger on the refused "+
			"connection, its read deadline LingerTimeout away (the client keeps its side open)")

		result := r.shutdown(time.Minute).Wait(ctx, r.clk)
		Expect(result.err).NotTo(HaveOccurred(), "A lingering connection serves no request: Shutdown closes it at "+
			"once, which ends the drain's read, and needs no drain time. %s", harness.See("linger"))
		Expect(result.report).To(Equal(server.Report{Idle: 1}), "The lingering connection was serving no request "+
			"when Shutdown began. %s", harness.See("linger"))
		Expect(r.serve.Wait(ctx)).To(MatchError(server.ErrClosed))
	}, harness.Timeout)
})
