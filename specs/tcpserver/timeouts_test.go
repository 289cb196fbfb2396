package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

var _ = Describe("timeouts", Label("timeouts"), func() {
	It("cuts off a slowloris client at the header deadline, however often it sends a byte", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)

		waitForDeadlines(ctx, serve, clk, headerTimeout, 1, fmt.Sprintf("ServeConn to set a read deadline %v "+
			"ahead on the server's clock (HeaderTimeout), before it reads the first request. A deadline on "+
			"time.Now() is on the real clock: on the spec's fake clock, that is years away", headerTimeout))
		send(client, "GET / HTTP/1.1\r\nHost: a\r\n")
		for i := range 4 { // a header line every second: never idle for long, never done
			clk.Advance(time.Second)
			send(client, fmt.Sprintf("X-Slow-%d: a\r\n", i))
		}
		clk.Advance(headerTimeout - 4*time.Second - time.Nanosecond)
		send(client, "X-Still: here\r\n")
		Expect(serve.Returned()).To(BeFalse(), "ServeConn gave up on the request before HeaderTimeout had passed. %s", harness.See("timeouts"))

		clk.Advance(time.Nanosecond)
		harness.Receive(ctx, serve.Done(), fmt.Sprintf("ServeConn to give up on a request still unfinished after HeaderTimeout (%v)", headerTimeout),
			"A slowloris client sends a byte now and then and never finishes its request: only one deadline for the "+
				"whole request, set once before reading it, gets rid of it. "+harness.See("timeouts"))
		serve.Wait(ctx)
		Expect(client.Inbound().Buffered()).To(BeZero(), "Nobody is left to read an answer to a request that timed "+
			"out: close without one. %s", harness.See("timeouts"))
	}, harness.Timeout)

	It("closes a kept-alive connection that stays idle for IdleTimeout", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)

		send(client, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitReply(ctx, serve, bufio.NewReader(client), "the answer to a first request").status).To(Equal(http.StatusOK))
		waitForDeadlines(ctx, serve, clk, idleTimeout, 1, fmt.Sprintf("ServeConn to wait for the next request "+
			"with a read deadline IdleTimeout (%v) ahead", idleTimeout))
		clk.Advance(idleTimeout - time.Nanosecond)
		Expect(serve.Returned()).To(BeFalse(), "ServeConn closed an idle connection before IdleTimeout. %s", harness.See("timeouts"))
		clk.Advance(time.Nanosecond)
		harness.Receive(ctx, serve.Done(), "ServeConn to close a connection idle for IdleTimeout",
			"Between requests, a kept-alive connection gets IdleTimeout to start the next one. "+harness.See("timeouts"))
	}, harness.Timeout)

	It("gives the next request HeaderTimeout from its first byte", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
		br := bufio.NewReader(client)

		send(client, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitReply(ctx, serve, br, "the answer to a first request").status).To(Equal(http.StatusOK))
		waitForDeadlines(ctx, serve, clk, idleTimeout, 1, "ServeConn to wait for the next request with its idle deadline")
		clk.Advance(idleTimeout - time.Second)              // the client thinks for a while...
		send(client, "GET /second HTTP/1.1\r\nHost: a\r\n") // ...and starts its next request
		waitForDeadlines(ctx, serve, clk, headerTimeout, 1, fmt.Sprintf("ServeConn to give the request that has "+
			"begun HeaderTimeout (%v): once br.Peek(1) sees its first byte, set the header deadline", headerTimeout))
		clk.Advance(headerTimeout - time.Second) // past the idle deadline, within the header one
		send(client, "Accept: */*\r\n\r\n")
		got := awaitReply(ctx, serve, br, "the answer to the second request, finished 4s after it began")
		Expect(got.status).To(Equal(http.StatusOK), "The second request began before its idle deadline and was "+
			"finished within HeaderTimeout of its start: it should be answered. %s", harness.See("timeouts"))
		Expect(got.body).To(Equal("GET /second\n"))
	}, harness.Timeout)

	It("clears its deadlines once a request is read and once its response is written", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		started := make(chan struct{}, 1)
		release := make(chan struct{})
		serve := startServeConn(ctx, server.New(config(clk, func(ctx context.Context, req *server.Request) server.Response {
			started <- struct{}{}
			<-release // a handler that takes its time
			return ok(ctx, req)
		})), srv)
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})

		waitForDeadlines(ctx, serve, clk, headerTimeout, 1, fmt.Sprintf("ServeConn to set a read deadline %v ahead "+
			"(HeaderTimeout) before it reads the first request", headerTimeout))
		send(client, "GET /long HTTP/1.1\r\nHost: a\r\n\r\n")
		awaitWhile(ctx, serve, started, "the handler to start on the request")
		expectNoTimer(clk, headerTimeout, "The request was read and its handler runs: the header deadline should "+
			"have been cleared (conn.SetReadDeadline(time.Time{})). The handler may take its time, and a deadline "+
			"left set is a timer that outlives the read it was for")
		clk.Advance(2 * headerTimeout) // the handler takes its time, on the server's clock too
		close(release)
		released = true
		Expect(awaitReply(ctx, serve, bufio.NewReader(client), "the answer to the long request").status).To(Equal(http.StatusOK))
		waitForDeadlines(ctx, serve, clk, idleTimeout, 1, "ServeConn to wait for the next request with its idle deadline")
		expectNoTimer(clk, writeTimeout, "The response was written and ServeConn waits for the next request: the "+
			"write deadline should have been cleared (conn.SetWriteDeadline(time.Time{}))")
	}, harness.Timeout)

	It("cuts a response the client never reads at WriteTimeout", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk), memnet.WithWindow(64)))
		big := strings.Repeat("x", 4096)
		serve := startServeConn(ctx, server.New(config(clk, func(context.Context, *server.Request) server.Response {
			return server.Response{Status: http.StatusOK, Body: []byte(big)}
		})), srv)

		send(client, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n") // and never read
		waitForDeadlines(ctx, serve, clk, writeTimeout, 1, fmt.Sprintf("ServeConn to write the response with a "+
			"write deadline WriteTimeout (%v) ahead: this client never reads, so the write blocks once its 64-byte "+
			"window is full", writeTimeout))
		clk.Advance(writeTimeout)
		harness.Receive(ctx, serve.Done(), "ServeConn to give up on a response nobody reads, at WriteTimeout",
			"Without a write deadline, a client that stops reading holds the connection and its goroutine for ever. "+
				harness.See("timeouts"))
	}, harness.Timeout)
})
