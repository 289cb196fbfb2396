package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// drainTimeout is the drain deadline the specs give Shutdown: a duration
// no other deadline has.
const drainTimeout = 10 * time.Second

// running is a server serving a memnet listener on a fake clock.
type running struct {
	clk     *clock.Fake
	network *memnet.Network
	ln      net.Listener
	s       *server.Server
	serve   *harness.Call[error]
}

// shutdownResult is what Shutdown returned.
type shutdownResult struct {
	report server.Report
	err    error
}

// startServer makes a server with cfg (on a fake clock of its own, with
// the specs' timeouts) and runs s.Serve(ln) on a goroutine of the spec's.
// When the spec ends, the server is shut down with no drain time and
// Serve is awaited; cleanups the spec registers later run before.
func startServer(ctx context.Context, handler server.Handler, maxConns int) *running {
	clk := clock.NewFake()
	network := memnet.New(memnet.WithClock(clk))
	ln := listen(network)
	cfg := config(clk, handler)
	cfg.MaxConns = maxConns
	s := server.New(cfg)
	r := &running{clk: clk, network: network, ln: ln, s: s}
	r.serve = harness.Go("s.Serve(ln)", func() error { return s.Serve(ln) })
	harness.DeferCleanup(func(ctx context.Context) {
		stop := harness.Go("s.Shutdown(0) at the end of the spec", func() shutdownResult {
			report, err := s.Shutdown(0)
			return shutdownResult{report, err}
		})
		if stop.StillStub(ctx) {
			ln.Close() // Shutdown is still to be written: stop Serve the hard way
		} else {
			stop.Wait(ctx, clk)
		}
		harness.Receive(ctx, r.serve.Done(), "s.Serve to return at the end of the spec, after a Shutdown", harness.See("shutdown"))
	})
	return r
}

// shutdown calls s.Shutdown(drain) on a goroutine of the spec's.
func (r *running) shutdown(drain time.Duration) *harness.Call[shutdownResult] {
	return harness.Go(fmt.Sprintf("s.Shutdown(%v)", drain), func() shutdownResult {
		report, err := r.s.Shutdown(drain)
		return shutdownResult{report, err}
	})
}

var _ = Describe("shutdown", Label("shutdown"), func() {
	It("stops accepting, and closes at once the connections that wait for a request", func(ctx SpecContext) {
		r := startServer(ctx, ok, 0)
		kept := dial(r.network, r.ln)
		send(kept, "GET /a HTTP/1.1\r\n\r\n")
		Expect(awaitReply(ctx, r.serve, bufio.NewReader(kept), "the answer to a first request").status).To(Equal(http.StatusOK))
		waitForDeadlines(ctx, r.serve, r.clk, idleTimeout, 1, "the server to wait for the kept-alive client's next "+
			"request, under its IdleTimeout read deadline (written in the timeouts exercise)")
		silent := dial(r.network, r.ln) // connects, and says nothing
		waitForDeadlines(ctx, r.serve, r.clk, headerTimeout, 1, "the server to wait for the silent client's first "+
			"request, under its HeaderTimeout read deadline (written in the timeouts exercise)")

		stop := r.shutdown(drainTimeout)
		harness.Receive(ctx, stop.Done(), "Shutdown to return, with no request in flight, and the clock standing still",
			"Shutdown should close the listener (cancel s.accepting: each Serve's accept loop closes its listener) "+
				"and close at once the connections that are not serving a request; then every Serve returns, and "+
				"Shutdown has nothing to wait for. "+harness.See("shutdown"))
		got := stop.Wait(ctx, r.clk)
		Expect(got.err).NotTo(HaveOccurred(), "Nothing was in flight: Shutdown should return nil. %s", harness.See("shutdown"))
		Expect(got.report).To(Equal(server.Report{Idle: 2}), "Two connections were waiting for a request: the "+
			"report should count them as Idle. %s", harness.See("shutdown"))
		Expect(r.serve.Wait(ctx)).To(MatchError(server.ErrClosed), "Once Shutdown has stopped it, Serve returns ErrClosed. %s", harness.See("shutdown"))
		for _, c := range []*memnet.Conn{kept, silent} {
			rest := startReadAll(c)
			harness.Receive(ctx, rest.Done(), "a client's connection to be closed by the shutdown", harness.See("shutdown"))
		}
		_, err := r.network.Dial("tcp", r.ln.Addr().String())
		Expect(err).To(MatchError(syscall.ECONNREFUSED), "After Shutdown, a new client should be refused. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("lets a request in flight finish, then closes its connection", func(ctx SpecContext) {
		started := make(chan struct{})
		release := make(chan struct{})
		r := startServer(ctx, func(context.Context, *server.Request) server.Response {
			close(started)
			<-release
			return server.Response{Status: http.StatusOK, Body: []byte("done\n")}
		}, 0)
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})
		client := dial(r.network, r.ln)
		send(client, "GET /slow HTTP/1.1\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the client's request")

		stop := r.shutdown(drainTimeout)
		stop.WaitFor(ctx, fmt.Sprintf("Shutdown to arm its drain deadline of %v on the server's clock", drainTimeout),
			func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })
		close(release)
		released = true
		got := awaitReply(ctx, stop, bufio.NewReader(client), "the request in flight to be answered during the shutdown")
		Expect(got.err).NotTo(HaveOccurred(), "The request was in flight when Shutdown began: it should be answered, "+
			"not cut. Close only the connections that are not serving a request. %s", harness.See("shutdown"))
		Expect(got.body).To(Equal("done\n"))
		Expect(got.close).To(BeTrue(), "The server is shutting down: the answer should say Connection: close. %s", harness.See("shutdown"))

		harness.Receive(ctx, stop.Done(), "Shutdown to return once the request in flight was answered, the clock standing still",
			"Once the last connection is done, every Serve returns, and Shutdown should too, before its deadline. "+harness.See("shutdown"))
		result := stop.Wait(ctx, r.clk)
		Expect(result.err).NotTo(HaveOccurred(), "%s", harness.See("shutdown"))
		Expect(result.report).To(Equal(server.Report{Finished: 1}), "%s", harness.See("shutdown"))
		Expect(r.serve.Wait(ctx)).To(MatchError(server.ErrClosed))
	}, harness.Timeout)

	It("cuts the requests still running at the drain deadline: cancels their context, closes their connection", func(ctx SpecContext) {
		started := make(chan struct{})
		cancelled := make(chan error, 1)
		// finished is written by the handler as its last step and read by
		// the spec, without a lock, once Shutdown has returned: that is
		// only safe, and only true, if Shutdown waited for it.
		finished := false
		r := startServer(ctx, func(ctx context.Context, _ *server.Request) server.Response {
			close(started)
			<-ctx.Done() // a long request, that stops when told to
			cancelled <- ctx.Err()
			finished = true
			return server.Response{Status: http.StatusServiceUnavailable}
		}, 0)
		client := dial(r.network, r.ln)
		send(client, "GET /endless HTTP/1.1\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the client's request")

		stop := r.shutdown(drainTimeout)
		stop.WaitFor(ctx, fmt.Sprintf("Shutdown to arm its drain deadline of %v on the server's clock (s.clock, not "+
			"package time)", drainTimeout), func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })
		r.clk.Advance(drainTimeout - time.Nanosecond)
		Expect(cancelled).NotTo(Receive(), "A request was cancelled before the drain deadline. %s", harness.See("shutdown"))
		r.clk.Advance(time.Nanosecond)
		harness.Receive(ctx, cancelled, "the request's context to be cancelled at the drain deadline",
			"At the deadline, Shutdown should cancel the requests' context (s.cancel()) and close the connections left. "+harness.See("shutdown"))

		result := stop.Wait(ctx, r.clk)
		Expect(result.err).To(MatchError(server.ErrDrainTimeout), "Shutdown had to cut a request: it should say so. %s", harness.See("shutdown"))
		Expect(result.report).To(Equal(server.Report{Cut: 1}), "%s", harness.See("shutdown"))
		Expect(finished).To(BeTrue(), "Shutdown returned while a request's handler was still running: after cutting, "+
			"it must still wait until every Serve has returned. %s", harness.See("shutdown"))
		rest := startReadAll(client)
		harness.Receive(ctx, rest.Done(), "the cut client's connection to be closed", harness.See("shutdown"))
	}, harness.Timeout)

	It("runs once: a second Shutdown, and a Serve after it, return ErrClosed", func(ctx SpecContext) {
		r := startServer(ctx, ok, 0)
		first := r.shutdown(time.Second).Wait(ctx, r.clk)
		Expect(first.err).NotTo(HaveOccurred(), "An idle server should shut down at once, with a nil error. %s", harness.See("shutdown"))
		Expect(first.report).To(BeZero())
		Expect(r.serve.Wait(ctx)).To(MatchError(server.ErrClosed), "%s", harness.See("shutdown"))

		Expect(r.shutdown(time.Second).Wait(ctx, r.clk).err).To(MatchError(server.ErrClosed),
			"A second Shutdown should return ErrClosed at once. %s", harness.See("shutdown"))
		ln := listen(r.network)
		Expect(harness.Go("s.Serve(ln) after Shutdown", func() error { return r.s.Serve(ln) }).Wait(ctx)).
			To(MatchError(server.ErrClosed), "Serve after Shutdown should return ErrClosed at once. %s", harness.See("shutdown"))
		_, err := r.network.Dial("tcp", ln.Addr().String())
		Expect(err).To(MatchError(syscall.ECONNREFUSED), "Serve owns the listener it is given: after Shutdown it "+
			"should close it. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("serves at most Config.MaxConns connections at once", func(ctx SpecContext) {
		started := make(chan struct{}, 1)
		release := make(chan struct{})
		r := startServer(ctx, func(context.Context, *server.Request) server.Response {
			started <- struct{}{}
			<-release
			return server.Response{Status: http.StatusOK}
		}, 1)
		DeferCleanup(func() { close(release) })
		first := dial(r.network, r.ln)
		send(first, "GET / HTTP/1.1\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the first client's request")

		second := dial(r.network, r.ln)
		got := awaitReply(ctx, r.serve, bufio.NewReader(second), "the second client to be answered")
		Expect(got.status).To(Equal(http.StatusServiceUnavailable), "MaxConns is 1 and one connection is open: "+
			"Serve should refuse the next client, with Limit. %s", harness.See("shutdown"))
	}, harness.Timeout)
})
