package tcpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
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
	return startServerOn(ctx, handler, maxConns, nil)
}

// startServerOn is startServer with the listener Serve gets wrapped by
// wrap (if not nil), so that the spec can watch what Serve does with it.
func startServerOn(ctx context.Context, handler server.Handler, maxConns int, wrap func(net.Listener) net.Listener, opts ...memnet.Option) *running {
	clk := harness.NewClock()
	network := memnet.New(append([]memnet.Option{memnet.WithClock(clk)}, opts...)...)
	ln := listen(network)
	if wrap != nil {
		ln = wrap(ln)
	}
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
	It("stops accepting, and closes at once the connections that wait for a request", func(spec SpecContext) {
		ctx := harness.Context(spec)
		r := startServer(ctx, ok, 0)
		kept := dial(r.network, r.ln)
		send(kept, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
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

	It("lets a request in flight finish, then closes its connection", func(spec SpecContext) {
		ctx := harness.Context(spec)
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
		send(client, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
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
		expectNoTimer(r.clk, drainTimeout, "Shutdown returned once its request had finished, before the drain "+
			"deadline: the drain timer it armed is of no more use, and should be stopped (defer timer.Stop())")
	}, harness.Timeout)

	It("keeps every count of its report apart: idle, finished and cut connections at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan string, 2)
		release := make(chan struct{})
		r := startServer(ctx, func(ctx context.Context, req *server.Request) server.Response {
			if req.Target == "/quick" {
				return ok(ctx, req)
			}
			started <- req.Target
			if req.Target == "/finishes" {
				<-release
				return server.Response{Status: http.StatusOK, Body: []byte("finished\n")}
			}
			<-ctx.Done() // "/endless": runs until cut
			return server.Response{Status: http.StatusServiceUnavailable}
		}, 0)
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})
		idle := dial(r.network, r.ln)
		send(idle, "GET /quick HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitReply(ctx, r.serve, bufio.NewReader(idle), "the answer to the idle client's first request").status).To(Equal(http.StatusOK))
		waitForDeadlines(ctx, r.serve, r.clk, idleTimeout, 1, "the server to wait for the kept-alive client's next "+
			"request, under its IdleTimeout read deadline (written in the timeouts exercise)")
		finishing := dial(r.network, r.ln)
		send(finishing, "GET /finishes HTTP/1.1\r\nHost: a\r\n\r\n")
		cut := dial(r.network, r.ln)
		send(cut, "GET /endless HTTP/1.1\r\nHost: a\r\n\r\n")
		for range 2 {
			awaitWhile(ctx, r.serve, started, "the handlers of /finishes and /endless to start")
		}

		stop := r.shutdown(drainTimeout)
		stop.WaitFor(ctx, fmt.Sprintf("Shutdown to arm its drain deadline of %v on the server's clock", drainTimeout),
			func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })
		close(release)
		released = true
		br := bufio.NewReader(finishing)
		Expect(awaitReply(ctx, stop, br, "the answer to /finishes, released during the drain").body).To(Equal("finished\n"))
		// The client sees its connection end once the server is done with it.
		rest := startReadAll(finishing)
		awaitWhile(ctx, stop, rest.Done(), "the /finishes connection to be closed after its answer")
		r.clk.Advance(drainTimeout)

		result := stop.Wait(ctx, r.clk)
		Expect(result.report).To(Equal(server.Report{Idle: 1, Finished: 1, Cut: 1}), "When Shutdown began, one "+
			"connection was idle (closed at once: Idle), one request finished during the drain (Finished) and one "+
			"was still running at the deadline (Cut). Each field counts its own; Finished is the requests in "+
			"flight at the start that were not cut. %s", harness.See("shutdown"))
		Expect(result.err).To(MatchError(server.ErrDrainTimeout), "One request was cut: Shutdown should return "+
			"ErrDrainTimeout with its report. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("closes a connection accepted while it runs, without waiting for it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var gate *gated
		r := startServerOn(ctx, ok, 0, func(ln net.Listener) net.Listener {
			gate = holdFirst(ln)
			return gate
		})
		DeferCleanup(gate.let)
		late := dial(r.network, r.ln) // connects, and says nothing
		awaitWhile(ctx, r.serve, gate.held, "Serve to accept the client (the spec holds it inside Accept)")

		stop := r.shutdown(drainTimeout)
		awaitWhile(ctx, stop, gate.closed, "Shutdown to stop accepting: Serve's listener closed")
		gate.let() // Accept now hands Serve the client it took before the close: a real listener may too
		harness.Receive(ctx, stop.Done(), "Shutdown to return without the clock moving",
			"Serve got a connection from an Accept that returned as Shutdown ran. Shutdown had already closed the "+
				"idle connections it knew of; this one arrived after, with no request: it must not be left open "+
				"(check s.closed under s.mu before recording a connection in s.conns, and close it instead), or "+
				"the shutdown waits for its deadlines. "+harness.See("shutdown"))
		result := stop.Wait(ctx, r.clk)
		Expect(result.err).NotTo(HaveOccurred(), "No request was in flight: Shutdown should return nil. %s", harness.See("shutdown"))
		Expect(result.report.Finished+result.report.Cut).To(BeZero(), "The late connection sent no request: it can "+
			"be neither Finished nor Cut. Report: %+v. %s", result.report, harness.See("shutdown"))
		rest := startReadAll(late)
		harness.Receive(ctx, rest.Done(), "the late client's connection to be closed", harness.See("shutdown"))
		Expect(rest.Wait(ctx)).To(BeEmpty(), "The late client sent no request: it should get no answer, only the end "+
			"of the stream. %s", harness.See("shutdown"))
		Expect(r.serve.Wait(ctx)).To(MatchError(server.ErrClosed), "%s", harness.See("shutdown"))
	}, harness.Timeout)

	It("counts the requests it cuts before it cancels them", func(spec SpecContext) {
		ctx := harness.Context(spec)
		handlerCtx := make(chan context.Context, 1)
		closedWith := make(chan error, 1) // the handler's ctx.Err() when Shutdown closed its connection
		r := startServerOn(ctx, func(ctx context.Context, _ *server.Request) server.Response {
			handlerCtx <- ctx
			<-ctx.Done() // returns the moment it is cancelled
			return server.Response{Status: http.StatusServiceUnavailable}
		}, 0, func(ln net.Listener) net.Listener {
			return onFirstClose(ln, func() {
				select {
				case c := <-handlerCtx:
					closedWith <- c.Err()
				default:
				}
			})
		})
		client := dial(r.network, r.ln)
		send(client, "GET /endless HTTP/1.1\r\nHost: a\r\n\r\n")
		c := awaitWhile(ctx, r.serve, handlerCtx, "the handler to start on the client's request")
		handlerCtx <- c // for the connection's Close to look at

		stop := r.shutdown(drainTimeout)
		stop.WaitFor(ctx, fmt.Sprintf("Shutdown to arm its drain deadline of %v on the server's clock", drainTimeout),
			func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })
		r.clk.Advance(drainTimeout)
		result := stop.Wait(ctx, r.clk)
		err := harness.Receive(ctx, closedWith, "Shutdown to close the connection of the request it cut", harness.See("shutdown"))
		Expect(err).NotTo(HaveOccurred(), "Shutdown cancelled the requests' context before it closed, and counted, the "+
			"connections it cut. A handler that returns as soon as it is cancelled can then finish and leave s.conns "+
			"before it is counted: the report says Finished for a request that was cut. At the deadline, under "+
			"s.mu, close and count first; call s.cancel() after. %s", harness.See("shutdown"))
		Expect(result.report).To(Equal(server.Report{Cut: 1}), "%s", harness.See("shutdown"))
		Expect(result.err).To(MatchError(server.ErrDrainTimeout), "%s", harness.See("shutdown"))
	}, harness.Timeout)

	It("returns the error that stopped its accept loop, not ErrClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		broken := errors.New("accept tcp: too many open files")
		var w *watched
		r := startServerOn(ctx, ok, 0, func(ln net.Listener) net.Listener {
			w = watch(ln)
			w.fail = broken // at the first Accept
			return w
		})
		harness.Receive(ctx, r.serve.Done(), "s.Serve to return once Accept failed", harness.See("shutdown"))
		Expect(r.serve.Wait(ctx)).To(MatchError(broken), "Accept failed, and no Shutdown was called: s.Serve should "+
			"return the error that stopped the accept loop. ErrClosed says \"Shutdown stopped me\", which is not what "+
			"happened. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("serves many clients at once, and cuts them all at the deadline, each counted once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const n = 12
		started := make(chan struct{}, n)
		release := make(chan struct{})
		big := strings.Repeat("x", 4096)
		// Clients that never read, through a 64-byte window: once released,
		// every handler's response blocks in its Write.
		r := startServerOn(ctx, func(context.Context, *server.Request) server.Response {
			started <- struct{}{}
			<-release
			return server.Response{Status: http.StatusOK, Body: []byte(big)}
		}, 0, nil, memnet.WithWindow(64))
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})
		// All at once: the server records and serves n connections side by
		// side, which the race detector watches.
		for range n {
			send(dial(r.network, r.ln), "GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
		}
		for i := range n {
			awaitWhile(ctx, r.serve, started, fmt.Sprintf("handler %d of %d to start", i+1, n))
		}

		stop := r.shutdown(drainTimeout)
		stop.WaitFor(ctx, fmt.Sprintf("Shutdown to arm its drain deadline of %v", drainTimeout),
			func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })
		r.clk.Advance(drainTimeout - writeTimeout + time.Second) // 8s: each response's write deadline passes the drain's
		close(release)
		released = true
		waitForDeadlines(ctx, stop, r.clk, writeTimeout, n, fmt.Sprintf("the %d responses to block in their Write, "+
			"under their write deadline", n))
		r.clk.Advance(drainTimeout - (drainTimeout - writeTimeout + time.Second)) // the drain deadline

		result := stop.Wait(ctx, r.clk)
		Expect(result.report).To(Equal(server.Report{Cut: n}), "%d requests were still being answered at the drain "+
			"deadline (their clients never read): each is cut, and counted once. Closing the connections wakes "+
			"their Writes while Shutdown still walks s.conns: keep s.mu held for the whole walk. %s", n, harness.See("shutdown"))
		Expect(result.err).To(MatchError(server.ErrDrainTimeout), "%s", harness.See("shutdown"))
	}, harness.Timeout)

	It("answers ErrClosed at once to a second Shutdown, and to a Serve, while the first still drains", func(spec SpecContext) {
		ctx := harness.Context(spec)
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
		send(client, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the client's request")
		first := r.shutdown(drainTimeout)
		first.WaitFor(ctx, fmt.Sprintf("the first Shutdown to arm its drain deadline of %v", drainTimeout),
			func(ctx context.Context) error { return r.clk.WaitForTimer(ctx, drainTimeout) })

		second := r.shutdown(drainTimeout)
		harness.Receive(ctx, second.Done(), "a second Shutdown, called while the first drains, to return at once",
			"Shutdown runs once: a second call must not wait for the first (a sync.Once around the whole of it "+
				"would), it returns ErrClosed straight away. "+harness.See("shutdown"))
		Expect(second.Wait(ctx).err).To(MatchError(server.ErrClosed), "%s", harness.See("shutdown"))
		ln := listen(r.network)
		Expect(harness.Go("s.Serve(ln) while Shutdown drains", func() error { return r.s.Serve(ln) }).Wait(ctx)).
			To(MatchError(server.ErrClosed), "Serve called while Shutdown drains should return ErrClosed at once. %s", harness.See("shutdown"))
		_, err := r.network.Dial("tcp", ln.Addr().String())
		Expect(err).To(MatchError(syscall.ECONNREFUSED), "Serve owns the listener it is given: refused, it should "+
			"close it. %s", harness.See("shutdown"))
		Expect(first.Returned()).To(BeFalse(), "The first Shutdown returned while its request was still in flight. %s", harness.See("shutdown"))

		close(release)
		released = true
		Expect(awaitReply(ctx, first, bufio.NewReader(client), "the answer to the request in flight").body).To(Equal("done\n"))
		result := first.Wait(ctx, r.clk)
		Expect(result.err).NotTo(HaveOccurred(), "%s", harness.See("shutdown"))
		Expect(result.report).To(Equal(server.Report{Finished: 1}), "The second Shutdown and the refused Serve must "+
			"not change the first one's report. %s", harness.See("shutdown"))
	}, harness.Timeout)

	It("cuts the requests still running at the drain deadline: cancels their context, closes their connection", func(spec SpecContext) {
		ctx := harness.Context(spec)
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
		send(client, "GET /endless HTTP/1.1\r\nHost: a\r\n\r\n")
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

	It("runs once: a second Shutdown, and a Serve after it, return ErrClosed", func(spec SpecContext) {
		ctx := harness.Context(spec)
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

	It("serves at most Config.MaxConns connections at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan struct{}, 1)
		release := make(chan struct{})
		r := startServer(ctx, func(context.Context, *server.Request) server.Response {
			started <- struct{}{}
			<-release
			return server.Response{Status: http.StatusOK}
		}, 1)
		DeferCleanup(func() { close(release) })
		first := dial(r.network, r.ln)
		send(first, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the first client's request")

		second := dial(r.network, r.ln)
		got := awaitReply(ctx, r.serve, bufio.NewReader(second), "the second client to be answered")
		Expect(got.status).To(Equal(http.StatusServiceUnavailable), "MaxConns is 1 and one connection is open: "+
			"Serve should refuse the next client: wrap ln with s.admit (admit.go) when MaxConns is set. %s", harness.See("shutdown"))
	}, harness.Timeout)
})

// expectNoTimer checks that no timer of duration d is pending on clk: the
// code that armed it is done with it.
func expectNoTimer(clk *clock.Fake, d time.Duration, why string) {
	GinkgoHelper()
	for _, p := range clk.Pending() {
		if p.Duration == d {
			Fail(fmt.Sprintf("The fake clock still holds a %v %s, armed at %s. %s. %s\n\n%v",
				d, p.Kind, p.ArmedAt(), why, harness.See(current()), clk))
		}
	}
}

// current is the exercise of the running spec.
func current() string {
	if labels := CurrentSpecReport().Labels(); len(labels) > 0 {
		return labels[0]
	}
	return ""
}

// gated is a listener that holds the first connection it accepts inside
// Accept until the spec lets it go: the spec hands Serve a connection at
// the moment it chooses, after a Shutdown began included.
type gated struct {
	net.Listener
	held      chan struct{} // closed once Accept holds the connection
	release   chan struct{}
	letOnce   sync.Once
	holdOnce  sync.Once
	closed    chan struct{} // closed by the first Close
	closeOnce sync.Once
}

func holdFirst(ln net.Listener) *gated {
	return &gated{Listener: ln, held: make(chan struct{}), release: make(chan struct{}), closed: make(chan struct{})}
}

func (g *gated) Accept() (net.Conn, error) {
	conn, err := g.Listener.Accept()
	if err != nil {
		return nil, err
	}
	g.holdOnce.Do(func() {
		close(g.held)
		<-g.release
	})
	return conn, nil
}

func (g *gated) Close() error {
	g.closeOnce.Do(func() { close(g.closed) })
	return g.Listener.Close()
}

// let lets Accept hand out the connection it holds.
func (g *gated) let() { g.letOnce.Do(func() { close(g.release) }) }

// noticed is a listener whose connections call onClose at their first
// Close, before closing.
type noticed struct {
	net.Listener
	onClose func()
}

func onFirstClose(ln net.Listener, onClose func()) net.Listener {
	return &noticed{Listener: ln, onClose: onClose}
}

func (n *noticed) Accept() (net.Conn, error) {
	conn, err := n.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &noticedConn{Conn: conn, onClose: n.onClose}, nil
}

type noticedConn struct {
	net.Conn
	once    sync.Once
	onClose func()
}

func (c *noticedConn) Close() error {
	c.once.Do(c.onClose)
	return c.Conn.Close()
}
