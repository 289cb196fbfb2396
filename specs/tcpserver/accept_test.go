package tcpserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// startServe runs server.Serve(ctx, ln, handle) on a goroutine of the
// spec's, under a context the returned function cancels. When the spec
// ends, the context is cancelled and Serve is awaited; cleanups the spec
// registers later (releasing its handlers) run before.
func startServe(ctx context.Context, ln net.Listener, handle server.ConnHandler) (*harness.Call[error], context.CancelFunc) {
	serveCtx, cancel := context.WithCancel(context.Background())
	serve := harness.Go("server.Serve(ctx, ln, handle)", func() error { return server.Serve(serveCtx, ln, handle) })
	harness.DeferCleanup(func(ctx context.Context) {
		cancel()
		harness.Receive(ctx, serve.Done(), "server.Serve to return at the end of the spec, once its context was cancelled",
			"Serve must close the listener when its context ends, and its handlers must have returned. "+harness.See("accept-loop"))
	})
	return serve, cancel
}

var _ = Describe("accept-loop", Label("accept-loop"), func() {
	It("serves each connection on a goroutine of its own: a slow client does not hold up the next", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := listen(network)
		started := make(chan int, 3)
		release := make(chan struct{})
		var clients atomic.Int32
		serve, _ := startServe(ctx, ln, func(ctx context.Context, conn net.Conn) {
			n := int(clients.Add(1))
			started <- n
			if n == 1 {
				<-release // the first client is slow
			}
		})
		DeferCleanup(func() { close(release) })

		dial(network, ln)
		awaitWhile(ctx, serve, started, "Serve to accept the first client and call handle with it")
		dial(network, ln)
		Expect(awaitWhile(ctx, serve, started,
			"Serve to call handle for a second client while the first client's handle is still running. "+
				"The seed spawns a task per connection; in Go, start each handle on a goroutine of its own "+
				"and go straight back to Accept, or one slow client stops the whole server")).To(Equal(2))
	}, harness.Timeout)

	It("closes each connection once its handler returns", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := listen(network)
		serve, _ := startServe(ctx, ln, func(ctx context.Context, conn net.Conn) {
			io.WriteString(conn, "bye\n") // and return, without closing conn
		})

		client := dial(network, ln)
		read := startReadAll(client)
		awaitWhile(ctx, serve, read.Done(), "the client to read \"bye\\n\" and then the end of the stream. "+
			"The handler wrote and returned, leaving conn open: Serve must close each connection once its handler "+
			"has returned (defer conn.Close() on the connection's goroutine), or every client waits for ever and "+
			"every connection stays open")
		Expect(read.Wait(ctx)).To(Equal("bye\n"), "The client should have read what the handler wrote. %s", harness.See("accept-loop"))
	}, harness.Timeout)

	It("closes its listener when its context ends, and returns nil", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := watch(listen(network))
		serve, cancel := startServe(ctx, ln, func(context.Context, net.Conn) {})

		client := dial(network, ln)
		awaitWhile(ctx, serve, startReadAll(client).Done(), "a first client to be served and closed")
		cancel()
		harness.Receive(ctx, serve.Done(), "server.Serve to return after its context was cancelled",
			"Serve is blocked in ln.Accept(), and checking ctx between two Accepts cannot wake it: close the listener "+
				"when ctx ends (context.AfterFunc(ctx, func() { ln.Close() })), and Accept returns at once. "+harness.See("accept-loop"))
		Expect(serve.Wait(ctx)).To(Succeed(), "Serve stopped because its context ended: that is a clean stop, and it should return nil. %s", harness.See("accept-loop"))
		Expect(ln.closed).To(BeClosed(), "Serve returned without closing its listener. %s", harness.See("accept-loop"))
		_, err := network.Dial("tcp", ln.Addr().String())
		Expect(err).To(MatchError(syscall.ECONNREFUSED), "After Serve returned, a new client should be refused: the listener must be closed. %s", harness.See("accept-loop"))
	}, harness.Timeout)

	It("returns only once every connection in flight has finished", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := watch(listen(network))
		started := make(chan struct{})
		release := make(chan struct{})
		// finished is written by the handler as its last step and read by
		// the spec, without a lock, once Serve has returned: that is only
		// safe, and only true, if Serve waited for the handler.
		finished := false
		serve, cancel := startServe(ctx, ln, func(context.Context, net.Conn) {
			close(started)
			<-release // a request in flight, that does not watch ctx
			finished = true
		})
		var once atomic.Bool
		releaseOnce := func() {
			if once.CompareAndSwap(false, true) {
				close(release)
			}
		}
		DeferCleanup(releaseOnce)

		dial(network, ln)
		awaitWhile(ctx, serve, started, "Serve to call handle for the client")
		cancel()
		awaitWhile(ctx, serve, ln.closed, "Serve to close its listener once its context was cancelled, "+
			"while a handler is still running. Serve must not return before that handler has, though")
		Expect(serve.Returned()).To(BeFalse(), "Serve returned while a handler was still running: it must wait for "+
			"its connections (a sync.WaitGroup) before returning. %s", harness.See("accept-loop"))
		releaseOnce()
		Expect(serve.Wait(ctx)).To(Succeed())
		Expect(finished).To(BeTrue(), "Serve returned before the handler had finished: it must wait for every "+
			"connection's goroutine (wg.Wait()) before it returns. %s", harness.See("accept-loop"))
	}, harness.Timeout)

	It("passes its context to every handler, so that cancelling it reaches them", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := listen(network)
		started := make(chan struct{}, 2)
		serve, cancel := startServe(ctx, ln, func(ctx context.Context, conn net.Conn) {
			started <- struct{}{}
			<-ctx.Done() // a handler that stops when it is told to
		})

		for i := range 2 {
			dial(network, ln)
			awaitWhile(ctx, serve, started, fmt.Sprintf("Serve to call handle for client %d", i+1))
		}
		cancel()
		harness.Receive(ctx, serve.Done(), "server.Serve to return once its context was cancelled",
			"Both handlers wait for their ctx to end: Serve must pass them its own ctx (not context.Background()), "+
				"so that cancelling Serve reaches every connection. "+harness.See("accept-loop"))
		Expect(serve.Wait(ctx)).To(Succeed())
	}, harness.Timeout)

	It("returns the error that stopped Accept, once its connections have finished", func(spec SpecContext) {
		ctx := harness.Context(spec)
		network := memnet.New()
		ln := watch(listen(network))
		broken := errors.New("accept tcp: too many open files")
		ln.fail, ln.failAfter = broken, 1
		started := make(chan struct{})
		release := make(chan struct{})
		finished := false // as above: read without a lock once Serve has returned
		serve, _ := startServe(ctx, ln, func(context.Context, net.Conn) {
			close(started)
			<-release
			finished = true
		})
		var once atomic.Bool
		releaseOnce := func() {
			if once.CompareAndSwap(false, true) {
				close(release)
			}
		}
		DeferCleanup(releaseOnce)

		dial(network, ln)
		awaitWhile(ctx, serve, started, "Serve to call handle for the client")
		awaitWhile(ctx, serve, ln.acceptFail, "Serve to call Accept again, which fails this time")
		Expect(serve.Returned()).To(BeFalse(), "Serve returned while a handler was still running. %s", harness.See("accept-loop"))
		releaseOnce()
		Expect(serve.Wait(ctx)).To(MatchError(broken), "Accept failed: Serve should return its error. %s", harness.See("accept-loop"))
		Expect(finished).To(BeTrue(), "Serve returned before its handler had finished. %s", harness.See("accept-loop"))
		Expect(ln.closed).To(BeClosed(), "Serve owns its listener: it should close it when it returns. %s", harness.See("accept-loop"))
	}, harness.Timeout)
})
