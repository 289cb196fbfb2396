package tcpserver_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// requestBudget is the time TimeoutHandler gives the handlers of these specs.
const requestBudget = 5 * time.Second

// stuckHandler is a handler that ignores its context and returns only when
// the spec closes release. It reports its context on seen, and closes
// returned when it has returned.
type stuckHandler struct {
	seen     chan context.Context
	release  chan struct{}
	returned chan struct{}
}

func newStuckHandler() *stuckHandler {
	return &stuckHandler{seen: make(chan context.Context, 1), release: make(chan struct{}), returned: make(chan struct{})}
}

func (s *stuckHandler) serve(ctx context.Context, _ *server.Request) server.Response {
	defer close(s.returned)
	s.seen <- ctx
	<-s.release
	return server.Response{Status: http.StatusOK, Body: []byte("too late\n")}
}

// finish lets the handler return and waits until it has: its goroutine is
// gone before the spec's leak check.
func (s *stuckHandler) finish(ctx context.Context) {
	GinkgoHelper()
	close(s.release)
	harness.Receive(ctx, s.returned, "the stuck handler to return once released", "The spec released the handler.")
}

// callTimeout calls the handler TimeoutHandler made, on a goroutine of the spec's.
func callTimeout(ctx context.Context, h server.Handler, clk clock.Clock) *harness.Call[server.Response] {
	wrapped := harness.Go("server.TimeoutHandler(h, clk, 5*time.Second)", func() server.Handler {
		return server.TimeoutHandler(h, clk, requestBudget)
	}).Wait(ctx)
	req := &server.Request{Method: "GET", Target: "/slow", Proto: "HTTP/1.1", Header: http.Header{"Host": {"a"}}}
	return harness.Go("the TimeoutHandler's handler(ctx, req)", func() server.Response { return wrapped(ctx, req) })
}

var _ = Describe("request-timeout", Label("request-timeout"), func() {
	It("hands the handler a context whose deadline is 5 s after the call, on the server's clock", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		start := clk.Now()
		h := newStuckHandler()
		call := callTimeout(ctx, h.serve, clk)
		hctx := awaitWhile(ctx, call, h.seen, "the handler was called")
		deadline, ok := hctx.Deadline()
		Expect(ok).To(BeTrue(), "The handler's context has no deadline: TimeoutHandler should derive it with a timeout on "+
			"the server's clock, so that the handler can pass it on (to a database call, say). %s", harness.See("request-timeout"))
		Expect(deadline).To(Equal(start.Add(requestBudget)), "The handler's deadline should be the call's start plus d, on "+
			"the clock TimeoutHandler was given (clk.WithTimeout), not on time.Now. %s", harness.See("request-timeout"))
		waitForDeadlines(ctx, call, clk, requestBudget, 1, "the request's 5 s deadline armed on the clock")
		clk.Advance(requestBudget)
		call.Wait(ctx)
		h.finish(ctx)
	}, harness.Timeout)

	It("answers 503 with Close as soon as the deadline passes, without waiting for a handler that ignores its context", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		h := newStuckHandler()
		call := callTimeout(ctx, h.serve, clk)
		hctx := awaitWhile(ctx, call, h.seen, "the handler was called")
		waitForDeadlines(ctx, call, clk, requestBudget, 1, "the request's 5 s deadline armed on the clock. "+harness.See("request-timeout"))
		clk.Advance(requestBudget - time.Nanosecond)
		Expect(call.Returned()).To(BeFalse(), "The handler still has a nanosecond: TimeoutHandler must wait for it. %s", harness.See("request-timeout"))
		clk.Advance(time.Nanosecond)
		resp := call.Wait(ctx)
		Expect(resp.Status).To(Equal(http.StatusServiceUnavailable), "The handler overran its 5 s and is still running: "+
			"TimeoutHandler should answer for it at once, 503 Service Unavailable (this server cannot answer now; 504 is "+
			"for gateways whose upstream timed out). Got %d. %s", resp.Status, harness.See("request-timeout"))
		Expect(resp.Close).To(BeTrue(), "After a timeout the handler may still be running: the 503 closes the connection (Close). %s", harness.See("request-timeout"))
		Expect(string(resp.Body)).To(Equal("Service Unavailable\n"), "The body is the status text and a newline.")
		Expect(errors.Is(hctx.Err(), context.DeadlineExceeded)).To(BeTrue(), "The handler's context should have ended with "+
			"DeadlineExceeded, telling a handler that listens to stop. Err: %v. %s", hctx.Err(), harness.See("request-timeout"))
		h.finish(ctx) // its late answer must be dropped without blocking its goroutine (the leak check sees it)
	}, harness.Timeout)

	It("passes the handler's own response through when it returns in time, 504 included, and leaves no timer armed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		for _, want := range []server.Response{
			{Status: http.StatusOK, Header: http.Header{"X-Lane": {"2"}}, Body: []byte("fast\n")},
			{Status: http.StatusGatewayTimeout, Body: []byte("upstream too slow\n")},
		} {
			call := callTimeout(ctx, func(context.Context, *server.Request) server.Response { return want }, clk)
			Expect(call.Wait(ctx)).To(Equal(want), "The handler returned at once: its response, whatever its status, is the "+
				"answer, unchanged. %s", harness.See("request-timeout"))
			Expect(clk.Pending()).To(BeEmpty(), "The handler returned before its deadline: the deadline's timer must be "+
				"stopped (cancel the context you made) or each request leaves one behind. %s", harness.See("request-timeout"))
		}
	}, harness.Timeout)

	It("turns a panic on the handler's goroutine into a 500 with Close, and the process lives on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		call := callTimeout(ctx, func(context.Context, *server.Request) server.Response { panic("handler bug") }, clk)
		resp := call.Wait(ctx)
		Expect(resp.Status).To(Equal(http.StatusInternalServerError), "The handler panicked on the goroutine TimeoutHandler "+
			"started for it, where answer's recover cannot reach: recover there, or the panic ends the whole program. Want "+
			"500, got %d. %s", resp.Status, harness.See("request-timeout"))
		Expect(resp.Close).To(BeTrue(), "A 500 for a panic closes the connection, as in answer.")
		Expect(clk.Pending()).To(BeEmpty())
	}, harness.Timeout)

	It("ends the handler's context with the server's, and answers 503 at once", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		h := newStuckHandler()
		serverCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		wrapped := harness.Go("server.TimeoutHandler(h, clk, 5*time.Second)", func() server.Handler {
			return server.TimeoutHandler(h.serve, clk, requestBudget)
		}).Wait(ctx)
		call := harness.Go("the TimeoutHandler's handler(serverCtx, req)", func() server.Response {
			return wrapped(serverCtx, &server.Request{Method: "GET", Target: "/", Proto: "HTTP/1.1"})
		})
		hctx := awaitWhile(ctx, call, h.seen, "the handler was called")
		cancel() // Shutdown's drain deadline passed
		resp := call.Wait(ctx)
		Expect(resp.Status).To(Equal(http.StatusServiceUnavailable), "The server's context ended (Shutdown cut the request) "+
			"and the clock never moved: the handler's context derives from it, so it ends too, and TimeoutHandler answers 503 "+
			"at once. Got %d. %s", resp.Status, harness.See("request-timeout"))
		Expect(hctx.Err()).To(MatchError(context.Canceled), "The handler's context ends when the server's does.")
		h.finish(ctx)
		Expect(clk.Pending()).To(BeEmpty(), "No timer left armed once the handler returned. %s", harness.See("request-timeout"))
	}, harness.Timeout)

	It("frees the connection of a stuck request: the client reads the 503 and the connection ends", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		h := newStuckHandler()
		wrapped := harness.Go("server.TimeoutHandler(h, clk, 5*time.Second)", func() server.Handler {
			return server.TimeoutHandler(h.serve, clk, requestBudget)
		}).Wait(ctx)
		s := server.New(config(clk, wrapped))
		client, srv := pipe(network)
		serving := startServeConn(ctx, s, srv)
		send(client, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
		awaitWhile(ctx, serving, h.seen, "the handler was called")
		waitForDeadlines(ctx, serving, clk, requestBudget, 1, "the request's 5 s deadline armed. "+harness.See("request-timeout"))
		clk.Advance(requestBudget)
		got := awaitReply(ctx, serving, bufio.NewReader(client), "the 503 for the stuck request")
		Expect(got.status).To(Equal(http.StatusServiceUnavailable), "%s", harness.See("request-timeout"))
		Expect(got.close).To(BeTrue(), "The 503 says Connection: close.")
		harness.Receive(ctx, serving.Done(), "ServeConn to return after the 503", "The response closed the connection: "+
			"ServeConn returns, and the connection's place is free although the handler still runs.")
		h.finish(ctx)
	}, harness.Timeout)
})
