package tcpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// logBook records what RetryAccept logs, from whichever goroutine.
type logBook struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBook) logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, fmt.Sprintf(format, args...))
}

func (b *logBook) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.lines)
}

// emfile is the error accept(2) fails with when the process has no file
// descriptor left: temporary, as the storm that caused it.
var emfile = os.NewSyscallError("accept", syscall.EMFILE)

// storm lists the pauses RetryAccept must take after n failures in a row.
func storm(n int) []time.Duration {
	var ds []time.Duration
	d := server.MinAcceptDelay
	for range n {
		ds = append(ds, d)
		d = min(2*d, server.MaxAcceptDelay)
	}
	return ds
}

var _ = Describe("accept-retry", Label("accept-retry"), func() {
	It("rides out a storm of EMFILE: logs each failure, pauses 5 ms doubling up to 1 s on the clock, then accepts", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		var book logBook
		rl := server.RetryAccept(ln, clk, book.logf)
		DeferCleanup(func() { rl.Close() })

		const failures = 10
		ln.(*memnet.Listener).FailAccept(failures, emfile)
		client := dial(network, ln)
		call := startAccept(rl)
		pauses := storm(failures)
		for i, d := range pauses {
			waitForDeadlines(ctx, call, clk, d, 1, fmt.Sprintf("after the %d failure(s) in a row of ln.Accept with EMFILE "+
				"(too many open files, temporary), a pause of %v armed on the server's clock: MinAcceptDelay (5 ms) the first "+
				"time, doubled after each failure in a row, never more than MaxAcceptDelay (1 s); pauses so far: %v. %s",
				i+1, d, pauses[:i], harness.See("accept-retry")))
			Expect(book.all()).To(HaveLen(i+1), "Each failed accept is logged once, before the pause: %d failure(s) so far, "+
				"logged: %q. %s", i+1, book.all(), harness.See("accept-retry"))
			clk.Advance(d)
		}
		conn := acceptedConn(ctx, call)
		Expect(conn.RemoteAddr().String()).To(Equal(client.LocalAddr().String()), "After the storm, Accept should hand out the client that waited in the backlog. %s", harness.See("accept-retry"))
		Expect(clk.Pending()).To(BeEmpty(), "Accept returned a connection: no pause may be left armed on the clock.")
		for _, line := range book.all() {
			Expect(line).To(ContainSubstring(syscall.EMFILE.Error()), "Each log line should say what failed, the error itself. Logged: %q. %s", book.all(), harness.See("accept-retry"))
		}

		ln.(*memnet.Listener).FailAccept(1, emfile)
		dial(network, ln)
		again := startAccept(rl)
		waitForDeadlines(ctx, again, clk, server.MinAcceptDelay, 1, "a pause of 5 ms again: an accepted connection ends the storm, "+
			"so the next failure starts over from MinAcceptDelay, not from the last pause. "+harness.See("accept-retry"))
		clk.Advance(server.MinAcceptDelay)
		acceptedConn(ctx, again)
	}, harness.Timeout)

	It("returns any error that is not temporary at once, without a pause or a log line", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		var book logBook
		rl := server.RetryAccept(ln, clk, book.logf)
		DeferCleanup(func() { rl.Close() })

		denied := errors.New("accept: permission denied by a test")
		ln.(*memnet.Listener).FailAccept(1, denied)
		got := startAccept(rl).Wait(ctx)
		Expect(got.err).To(MatchError(denied), "ln.Accept failed with an error that is not a temporary net.Error: Accept "+
			"should return it as it is, at once (retrying what will not pass is a loop that never ends). Got %v. %s", got.err, harness.See("accept-retry"))
		Expect(clk.Pending()).To(BeEmpty(), "No pause for an error that is not temporary.")
		Expect(book.all()).To(BeEmpty(), "Only the retried failures are logged: this one is returned to the caller, who decides.")

		Expect(ln.Close()).To(Succeed())
		got = startAccept(rl).Wait(ctx)
		Expect(got.err).To(MatchError(net.ErrClosed), "A closed listener ends Accept with net.ErrClosed, at once: it is no storm. %s", harness.See("accept-retry"))
		Expect(clk.Pending()).To(BeEmpty())
	}, harness.Timeout)

	It("ends a pause at once when the listener is closed: Accept returns net.ErrClosed and leaves no timer armed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		var book logBook
		rl := server.RetryAccept(ln, clk, book.logf)

		ln.(*memnet.Listener).FailAccept(3, emfile)
		call := startAccept(rl)
		waitForDeadlines(ctx, call, clk, server.MinAcceptDelay, 1, "a pause of 5 ms after the first EMFILE. "+harness.See("accept-retry"))
		harness.Go("rl.Close() during the pause", func() error { return rl.Close() }).Wait(ctx)
		got := call.Wait(ctx)
		Expect(got.err).To(MatchError(net.ErrClosed), "The listener was closed during a pause, and the clock never moved: "+
			"Accept should stop waiting at once and fail with an error wrapping net.ErrClosed (Serve closes its listener to stop, "+
			"and must not wait out a pause of up to a second). Got %v. %s", got.err, harness.See("accept-retry"))
		Expect(clk.Pending()).To(BeEmpty(), "Accept returned: its pause's timer must be stopped, not left armed. %s", harness.See("accept-retry"))
		_, err := network.Dial("tcp", ln.Addr().String())
		Expect(err).To(HaveOccurred(), "Closing the returned listener closes ln too: a dial is refused. %s", harness.See("accept-retry"))
	}, harness.Timeout)

	It("keeps Serve serving after an accept storm, and Serve's context ends it in the middle of a pause", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		ln := listen(network)
		var book logBook
		serveCtx, cancel := context.WithCancel(context.Background())
		defer cancel()
		handler := func(_ context.Context, conn net.Conn) { io.WriteString(conn, "served\n") }

		ln.(*memnet.Listener).FailAccept(3, emfile)
		client := dial(network, ln)
		serve := harness.Go("server.Serve(ctx, server.RetryAccept(ln, clk, logf), handle)", func() error {
			return server.Serve(serveCtx, server.RetryAccept(ln, clk, book.logf), handler)
		})
		for _, d := range storm(3) {
			waitForDeadlines(ctx, serve, clk, d, 1, fmt.Sprintf("a pause of %v on the clock: Serve calls Accept, and RetryAccept "+
				"rides out the EMFILE instead of ending Serve. %s", d, harness.See("accept-retry")))
			clk.Advance(d)
		}
		read := harness.Go("the client reads a line", func() string {
			line, _ := bufio.NewReader(client).ReadString('\n')
			return line
		})
		awaitWhile(ctx, serve, read.Done(), "the client read the handler's line: after the storm, the server still "+
			"accepts and serves. "+harness.See("accept-retry"))
		Expect(read.Wait(ctx)).To(Equal("served\n"))

		ln.(*memnet.Listener).FailAccept(1, emfile)
		dial(network, ln) // Serve's Accept takes it; the next Accept fails and pauses
		waitForDeadlines(ctx, serve, clk, server.MinAcceptDelay, 1, "a pause after a new EMFILE. "+harness.See("accept-retry"))
		cancel()
		Expect(serve.Wait(ctx)).To(Succeed(), "Serve's context ended during a pause: Serve closes its listener, which must end "+
			"the pause at once, and return nil. %s", harness.See("accept-retry"))
		Expect(clk.Pending()).To(BeEmpty(), "Serve returned: no pause may be left armed. %s", harness.See("accept-retry"))
		Expect(strings.Join(book.all(), "\n")).To(ContainSubstring("too many open files"))
	}, harness.Timeout)
})
