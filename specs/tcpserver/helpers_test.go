package tcpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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

// learnerPackage is the import path of the code under test.
const learnerPackage = "autoroute/solutions/server"

// The timeouts the specs configure: all different, so that each deadline
// can be told from the others by its duration on the fake clock.
const (
	headerTimeout = 5 * time.Second
	idleTimeout   = 20 * time.Second
	writeTimeout  = 3 * time.Second
)

// config is a server configuration on clk with the specs' timeouts.
func config(clk clock.Clock, handler server.Handler) server.Config {
	return server.Config{
		Handler:       handler,
		Clock:         clk,
		HeaderTimeout: headerTimeout,
		IdleTimeout:   idleTimeout,
		WriteTimeout:  writeTimeout,
	}
}

// ok is a handler that answers 200 with the request's method and target.
func ok(_ context.Context, req *server.Request) server.Response {
	return server.Response{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"text/plain"}},
		Body:   []byte(req.Method + " " + req.Target + "\n"),
	}
}

// listen opens a listener on network, closed when the spec ends.
func listen(network *memnet.Network) net.Listener {
	GinkgoHelper()
	ln, err := network.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { ln.Close() })
	return ln
}

// dial connects a client to ln's address, closed when the spec ends.
func dial(network *memnet.Network, ln net.Listener) *memnet.Conn {
	GinkgoHelper()
	conn, err := network.Dial("tcp", ln.Addr().String())
	Expect(err).NotTo(HaveOccurred(), "A client could not connect to the listener.")
	DeferCleanup(func() { conn.Close() })
	return conn.(*memnet.Conn)
}

// pipe returns the two ends of a connection on network, closed when the
// spec ends: the client's and the server's.
func pipe(network *memnet.Network) (client, srv *memnet.Conn) {
	c, s := network.Pipe()
	DeferCleanup(func() { c.Close(); s.Close() })
	return c.(*memnet.Conn), s.(*memnet.Conn)
}

// send writes text on conn.
func send(conn net.Conn, text string) {
	GinkgoHelper()
	_, err := io.WriteString(conn, text)
	Expect(err).NotTo(HaveOccurred(), "The client could not write %q: the server closed the connection too early.", text)
}

// watched is a listener that tells the spec when it is closed and when
// Accept fails.
type watched struct {
	net.Listener
	closeOnce  sync.Once
	closed     chan struct{} // closed by the first Close
	fail       error         // if set, Accept returns it once it has handed out failAfter connections
	failAfter  int
	mu         sync.Mutex
	accepted   int
	acceptFail chan struct{} // closed when Accept first returns fail
	failOnce   sync.Once
}

func watch(ln net.Listener) *watched {
	return &watched{Listener: ln, closed: make(chan struct{}), acceptFail: make(chan struct{})}
}

func (w *watched) Accept() (net.Conn, error) {
	w.mu.Lock()
	failing := w.fail != nil && w.accepted >= w.failAfter
	w.mu.Unlock()
	if failing {
		w.failOnce.Do(func() { close(w.acceptFail) })
		return nil, w.fail
	}
	conn, err := w.Listener.Accept()
	if err == nil {
		w.mu.Lock()
		w.accepted++
		w.mu.Unlock()
	}
	return conn, err
}

func (w *watched) Close() error {
	w.closeOnce.Do(func() { close(w.closed) })
	return w.Listener.Close()
}

// awaitWhile waits, while call runs, for ch to be closed or to deliver a
// value: the fact described by fact. If call returns first, or the budget
// runs out, the spec fails saying which fact never came.
func awaitWhile[T, V any](ctx context.Context, call *harness.Call[T], ch <-chan V, fact string) V {
	GinkgoHelper()
	var v V
	got := false
	call.WaitFor(ctx, fact, func(ctx context.Context) error {
		select {
		case v = <-ch:
			got = true
			return nil
		default:
		}
		select {
		case v = <-ch:
			got = true
			return nil
		case <-ctx.Done():
			// The call may have returned just as the fact came: the fact wins.
			select {
			case v = <-ch:
				got = true
				return nil
			default:
			}
			return errors.New("it did not happen")
		}
	})
	Expect(got).To(BeTrue())
	return v
}

// waitForDeadlines waits, while call runs, until n timers of duration d are
// pending on clk: memnet arms one when a deadline is set.
func waitForDeadlines[T any](ctx context.Context, call *harness.Call[T], clk *clock.Fake, d time.Duration, n int, fact string) {
	GinkgoHelper()
	call.WaitFor(ctx, fact, func(ctx context.Context) error {
		return clk.WaitUntil(ctx, fmt.Sprintf("%d pending timer(s) of %v", n, d), func(ps []clock.Pending) bool {
			count := 0
			for _, p := range ps {
				if p.Duration == d {
					count++
				}
			}
			return count >= n
		})
	})
}

// reply is what a client read back: a response net/http could parse, or
// why it could not.
type reply struct {
	status int
	header http.Header
	body   string
	close  bool // the response said "Connection: close"
	length int64
	err    error
}

func (r reply) String() string {
	if r.err != nil {
		return "no response: " + r.err.Error()
	}
	return fmt.Sprintf("%d, Content-Length %d, Connection: close %v, body %q", r.status, r.length, r.close, r.body)
}

// readReply reads one response from br with net/http's own parser.
func readReply(br *bufio.Reader) reply {
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(body), close: resp.Close, length: resp.ContentLength, err: err}
}

// startReading reads one response from br on a goroutine of the spec's.
func startReading(br *bufio.Reader) *harness.Call[reply] {
	return harness.Go("the client's http.ReadResponse", func() reply { return readReply(br) })
}

// awaitReply reads one response from br while call serves the other end
// of the connection: call may return once it has written it (a response
// that closes the connection), but not panic, nor stop before answering.
func awaitReply[T any](ctx context.Context, call *harness.Call[T], br *bufio.Reader, what string) reply {
	GinkgoHelper()
	read := startReading(br)
	budget, cancel := context.WithTimeout(ctx, harness.Budget)
	defer cancel()
	select {
	case <-read.Done():
	case <-call.Done():
		if _, panicked := call.Panicked(); panicked {
			call.Wait(ctx) // fails, saying why
		}
		harness.Receive(ctx, read.Done(), what, "The server stopped serving the connection before it had answered.")
	case <-budget.Done():
		Fail(fmt.Sprintf("The spec waited for %s. It never came within the spec's %v budget.", what, harness.Budget))
	}
	return read.Wait(ctx)
}

// startReadAll reads what is left on conn, until the end of the stream, on
// a goroutine of the spec's.
func startReadAll(conn net.Conn) *harness.Call[string] {
	return harness.Go("the client's io.ReadAll", func() string {
		data, _ := io.ReadAll(conn)
		return string(data)
	})
}

// ended reports whether a client's read sees the end of the stream, or a
// reset: the server closed the connection.
func ended(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}
