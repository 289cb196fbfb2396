package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// connAge is the MaxConnAge the keep-alive specs configure: longer than
// every timeout of the specs' config, so that no deadline fires with it.
const connAge = 45 * time.Second

// startTuned is startServer with tune applied to the server's Config
// (MaxConns, MaxRequestsPerConn, MaxConnAge) before New.
func startTuned(ctx context.Context, handler server.Handler, tune func(*server.Config)) *running {
	clk := harness.NewClock()
	network := memnet.New(memnet.WithClock(clk))
	ln := listen(network)
	cfg := config(clk, handler)
	tune(&cfg)
	s := harness.Go("server.New(cfg)", func() *server.Server { return server.New(cfg) }).Wait(ctx)
	r := &running{clk: clk, network: network, ln: ln, s: s}
	r.serve = harness.Go("s.Serve(ln)", func() error { return s.Serve(ln) })
	harness.DeferCleanup(func(ctx context.Context) {
		stop := r.shutdown(0)
		if stop.StillStub(ctx) {
			ln.Close() // Shutdown is still to be written: stop Serve the hard way
		} else {
			stop.Wait(ctx, clk)
		}
		harness.Receive(ctx, r.serve.Done(), "s.Serve to return at the end of the spec, after a Shutdown", harness.See("shutdown"))
	})
	return r
}

// keepAlive calls cfg.KeepAlive(served, age) on a goroutine of the spec's.
func keepAlive(ctx context.Context, cfg server.Config, served int, age time.Duration) bool {
	GinkgoHelper()
	return harness.Go(fmt.Sprintf("cfg.KeepAlive(%d, %v)", served, age), func() bool {
		return cfg.KeepAlive(served, age)
	}).Wait(ctx)
}

// expectEnded checks that the server closed client's connection, once it
// has answered: the next read sees the end of the stream.
func expectEnded(ctx context.Context, client net.Conn, br *bufio.Reader, why string) {
	GinkgoHelper()
	rest := harness.Go("the client's read after the last answer", func() error {
		_, err := br.ReadByte()
		return err
	})
	err := rest.Wait(ctx)
	Expect(ended(err)).To(BeTrue(), "%s The client read on, and got %v instead of the end of the stream. %s", why, err, harness.See(current()))
}

var _ = Describe("keep-alive", Label("keep-alive"), func() {
	It("decides from the count and the age, at the exact limits, zero meaning none", func(spec SpecContext) {
		ctx := harness.Context(spec)
		type tc struct {
			cfg    server.Config
			served int
			age    time.Duration
			want   bool
			why    string
		}
		requests := server.Config{MaxRequestsPerConn: 3}
		aged := server.Config{MaxConnAge: connAge}
		both := server.Config{MaxRequestsPerConn: 3, MaxConnAge: connAge}
		for _, c := range []tc{
			{requests, 1, 0, true, "the first of 3 requests"},
			{requests, 2, time.Hour, true, "the second of 3 requests (no MaxConnAge: age is no reason)"},
			{requests, 3, 0, false, "the third of 3 requests: MaxRequestsPerConn is reached, this answer is the last"},
			{requests, 4, 0, false, "a fourth request when 3 are allowed"},
			{aged, 1, connAge - time.Nanosecond, true, "a connection 1 ns younger than MaxConnAge"},
			{aged, 1, connAge, false, "a connection exactly MaxConnAge old: the age is reached"},
			{aged, 1000, 2 * connAge, false, "a connection older than MaxConnAge (no MaxRequestsPerConn: the count is no reason)"},
			{aged, 1000, 0, true, "the 1000th request with only MaxConnAge set: the count is no reason"},
			{server.Config{}, 1 << 20, 1000 * time.Hour, true, "no limit set: zero means no limit, whatever the count and the age"},
			{both, 2, connAge - time.Nanosecond, true, "both limits set, neither reached"},
			{both, 2, connAge, false, "both limits set, the age reached"},
			{both, 3, 0, false, "both limits set, the count reached"},
		} {
			got := keepAlive(ctx, c.cfg, c.served, c.age)
			Expect(got).To(Equal(c.want), "With MaxRequestsPerConn %d and MaxConnAge %v, KeepAlive(%d, %v): %s. "+
				"Expected %v, got %v. %s", c.cfg.MaxRequestsPerConn, c.cfg.MaxConnAge, c.served, c.age, c.why, c.want, got,
				harness.See("keep-alive"))
		}
	}, harness.Timeout)

	It("answers the MaxRequestsPerConn-th request of a connection with Connection: close, then closes it; each connection counts its own", func(spec SpecContext) {
		ctx := harness.Context(spec)
		r := startTuned(ctx, ok, func(c *server.Config) { c.MaxRequestsPerConn = 3 })
		for _, name := range []string{"first", "second"} {
			client := dial(r.network, r.ln)
			br := bufio.NewReader(client)
			for i := 1; i <= 3; i++ {
				send(client, fmt.Sprintf("GET /%d HTTP/1.1\r\nHost: a\r\n\r\n", i))
				got := awaitReply(ctx, r.serve, br, fmt.Sprintf("the answer to request %d on the %s connection", i, name))
				Expect(got.status).To(Equal(http.StatusOK), "Request %d on the %s connection: %v", i, name, got)
				Expect(got.close).To(Equal(i == 3), "MaxRequestsPerConn is 3: on each connection, the answers to requests "+
					"1 and 2 keep it alive, the answer to request 3 says \"Connection: close\". Request %d on the %s "+
					"connection got %v. %s", i, name, got, harness.See("keep-alive"))
			}
			expectEnded(ctx, client, br, fmt.Sprintf("After its third answer, the %s connection should be closed by the server.", name))
		}
	}, harness.Timeout)

	It("closes a connection that grew older than MaxConnAge after its current answer, never in the middle of it", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan string, 1)
		release := make(chan struct{})
		r := startTuned(ctx, func(_ context.Context, req *server.Request) server.Response {
			if req.Target == "/slow" {
				started <- req.Target
				<-release
			}
			return ok(ctx, req)
		}, func(c *server.Config) { c.MaxConnAge = connAge })
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})
		client := dial(r.network, r.ln)
		br := bufio.NewReader(client)
		for i := 1; i <= 5; i++ { // no MaxRequestsPerConn: the count is no reason
			send(client, "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n")
			got := awaitReply(ctx, r.serve, br, "the answer to a quick request on a young connection")
			Expect(got.close).To(BeFalse(), "The connection is younger than MaxConnAge (%v) and MaxRequestsPerConn is 0, no "+
				"limit: answer %d should keep it alive, got %v. %s", connAge, i, got, harness.See("keep-alive"))
		}
		send(client, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
		awaitWhile(ctx, r.serve, started, "the handler to start on the slow request")
		r.clk.Advance(connAge) // the connection is now MaxConnAge old, while its handler runs
		close(release)
		released = true
		got := awaitReply(ctx, r.serve, br, "the answer to the request that was running when the connection reached MaxConnAge")
		Expect(got.err).NotTo(HaveOccurred(), "The connection reached MaxConnAge while its handler ran: the request "+
			"should still be answered in full, and the connection closed after it, never cut in the middle. %s", harness.See("keep-alive"))
		Expect(got.status).To(Equal(http.StatusOK))
		Expect(got.body).To(Equal("GET /slow\n"), "The answer should be the handler's, whole.")
		Expect(got.close).To(BeTrue(), "The connection is %v old, MaxConnAge: the answer should say \"Connection: close\". "+
			"Got %v. %s", connAge, got, harness.See("keep-alive"))
		expectEnded(ctx, client, br, "After the answer that said \"Connection: close\", the server should close the connection.")
	}, harness.Timeout)
})

// spyConn is a connection a spec hands to a Pool. It records how often it
// was closed, and whether that happened while the spec had marked it as
// serving a request; if leaves is set, Close calls pool.Leave, from the
// goroutine that closes it, as the server's connections do.
type spyConn struct {
	net.Conn
	name    string
	pool    *server.Pool
	leaves  bool
	closes  atomic.Int32
	serving atomic.Bool // set by the spec between a Busy that returned true and Idle
	cut     atomic.Bool // closed while serving
}

func (c *spyConn) Close() error {
	if c.serving.Load() {
		c.cut.Store(true)
	}
	c.closes.Add(1)
	err := c.Conn.Close()
	if c.leaves {
		c.pool.Leave(c)
	}
	return err
}

func (c *spyConn) String() string { return c.name }

// poolSpec is a Pool under test with its spy connections.
type poolSpec struct {
	pool    *server.Pool
	max     int
	network *memnet.Network

	mu    sync.Mutex
	pipes []net.Conn // both ends of every pipe conn made, closed once the spec ends
}

func newPool(ctx context.Context, max int) *poolSpec {
	GinkgoHelper()
	pool := harness.Go(fmt.Sprintf("server.NewPool(%d)", max), func() *server.Pool { return server.NewPool(max) }).Wait(ctx)
	Expect(pool).NotTo(BeNil(), "NewPool returned nil. %s", harness.See("idle-first"))
	p := &poolSpec{pool: pool, max: max, network: memnet.New()}
	// One cleanup for every pipe, not one each (as pipe registers): the
	// contention spec makes over a thousand, and each cleanup is a node
	// Ginkgo runs and reports, a millisecond apiece on an idle machine.
	DeferCleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.pipes {
			c.Close()
		}
	})
	return p
}

// conn makes a spy connection; it calls Leave when closed if leaves.
func (p *poolSpec) conn(name string, leaves bool) *spyConn {
	client, srv := p.network.Pipe()
	p.mu.Lock()
	p.pipes = append(p.pipes, client, srv)
	p.mu.Unlock()
	return &spyConn{Conn: srv, name: name, pool: p.pool, leaves: leaves}
}

func (p *poolSpec) admit(ctx context.Context, c *spyConn) bool {
	GinkgoHelper()
	return harness.Go(fmt.Sprintf("pool.Admit(%s)", c), func() bool { return p.pool.Admit(c) }).Wait(ctx)
}

func (p *poolSpec) busy(ctx context.Context, c *spyConn) bool {
	GinkgoHelper()
	return harness.Go(fmt.Sprintf("pool.Busy(%s)", c), func() bool { return p.pool.Busy(c) }).Wait(ctx)
}

func (p *poolSpec) idle(ctx context.Context, c *spyConn) {
	GinkgoHelper()
	harness.Do(fmt.Sprintf("pool.Idle(%s)", c), func() { p.pool.Idle(c) }).Wait(ctx)
}

func (p *poolSpec) leave(ctx context.Context, c *spyConn) {
	GinkgoHelper()
	harness.Do(fmt.Sprintf("pool.Leave(%s)", c), func() { p.pool.Leave(c) }).Wait(ctx)
}

func (p *poolSpec) open(ctx context.Context) int {
	GinkgoHelper()
	return harness.Go("pool.Open()", func() int { return p.pool.Open() }).Wait(ctx)
}

// expectClosed checks how many times each spy was closed.
func expectClosed(what string, want map[*spyConn]int32) {
	GinkgoHelper()
	for c, n := range want {
		Expect(c.closes.Load()).To(Equal(n), "%s: connection %s should have been closed %d time(s) by the pool; it was "+
			"closed %d time(s). %s", what, c, n, c.closes.Load(), harness.See("idle-first"))
	}
}

var _ = Describe("idle-first", Label("idle-first"), func() {
	It("admits max connections, then refuses while none is idle: a fresh or busy connection keeps its place", func(spec SpecContext) {
		ctx := harness.Context(spec)
		p := newPool(ctx, 3)
		a, b, c, d := p.conn("a", false), p.conn("b", false), p.conn("c", false), p.conn("d", false)
		Expect(p.admit(ctx, a)).To(BeTrue(), "NewPool(3) is empty: there is a place for a. %s", harness.See("idle-first"))
		Expect(p.busy(ctx, a)).To(BeTrue(), "a was admitted and never closed: Busy(a) should report true. %s", harness.See("idle-first"))
		p.idle(ctx, a)
		for i, conn := range []*spyConn{b, c} {
			Expect(p.admit(ctx, conn)).To(BeTrue(), "NewPool(3): connection %s is number %d, there is a place for it. %s", conn, i+2, harness.See("idle-first"))
		}
		expectClosed("a was idle, but a place was free for b and then for c: nothing needed room", map[*spyConn]int32{a: 0})
		Expect(p.busy(ctx, a)).To(BeTrue(), "a was idle, never closed, and reads its next request: Busy(a) should report true. %s", harness.See("idle-first"))
		Expect(p.busy(ctx, b)).To(BeTrue())
		p.idle(ctx, b)
		Expect(p.busy(ctx, b)).To(BeTrue(), "b was idle and reads its next request: Busy(b) should report true. %s", harness.See("idle-first"))
		Expect(p.admit(ctx, d)).To(BeFalse(), "Three connections hold the places: a and b serve a request, c is fresh (its first "+
			"request not read yet, which is not idle). Admit(d) should report false, so that d is refused with a 503, and "+
			"close none of them. %s", harness.See("idle-first"))
		expectClosed("No connection was idle", map[*spyConn]int32{a: 0, b: 0, c: 0, d: 0})
		Expect(p.open(ctx)).To(Equal(3), "a, b and c hold a place; d was refused: Open() should be 3. %s", harness.See("idle-first"))
	}, harness.Timeout)

	It("at the limit, closes one idle connection and gives its place to the new one, which a late Leave does not free again", func(spec SpecContext) {
		ctx := harness.Context(spec)
		p := newPool(ctx, 2)
		a, b, c, d, e := p.conn("a", false), p.conn("b", false), p.conn("c", false), p.conn("d", false), p.conn("e", false)
		Expect(p.admit(ctx, a)).To(BeTrue())
		Expect(p.admit(ctx, b)).To(BeTrue())
		Expect(p.busy(ctx, a)).To(BeTrue())
		p.idle(ctx, a)
		Expect(p.busy(ctx, b)).To(BeTrue())

		Expect(p.admit(ctx, c)).To(BeTrue(), "NewPool(2) holds a (idle: answered, waiting for its next request) and b (serving "+
			"a request). Admit(c) should close a to make room and report true. %s", harness.See("idle-first"))
		expectClosed("At the limit, with a idle and b busy", map[*spyConn]int32{a: 1, b: 0, c: 0})
		Expect(p.open(ctx)).To(Equal(2), "a's place went to c: b and c hold the places, Open() should be 2. %s", harness.See("idle-first"))
		Expect(p.busy(ctx, a)).To(BeFalse(), "The pool closed a to make room: a request a's goroutine read just before must be "+
			"dropped, so Busy(a) should report false. %s", harness.See("idle-first"))
		p.leave(ctx, a) // a's goroutine ends: the server closes a again, and a leaves
		Expect(p.open(ctx)).To(Equal(2), "Leave(a) after the pool closed a frees nothing: its place is c's already. "+
			"Open() should still be 2. %s", harness.See("idle-first"))
		Expect(p.admit(ctx, d)).To(BeFalse(), "b serves a request and c is fresh: no place, and nothing idle to close. Admit(d) "+
			"should report false; reporting true means a's late Leave freed a second place. %s", harness.See("idle-first"))
		expectClosed("With b busy and c fresh", map[*spyConn]int32{b: 0, c: 0, d: 0})

		p.leave(ctx, b)
		Expect(p.open(ctx)).To(Equal(1), "b left: only c holds a place. %s", harness.See("idle-first"))
		Expect(p.admit(ctx, d)).To(BeTrue(), "b left: its place is free, Admit(d) should report true without closing "+
			"anything. %s", harness.See("idle-first"))
		p.leave(ctx, b)
		Expect(p.admit(ctx, e)).To(BeFalse(), "b left twice: its one place went to d already, so c and d hold the "+
			"places and Admit(e) should report false. %s", harness.See("idle-first"))
		expectClosed("After b left twice", map[*spyConn]int32{c: 0, d: 0, e: 0})
		Expect(p.open(ctx)).To(Equal(2))
	}, harness.Timeout)

	It("closes the idle connection after letting go of its lock: the connection's Close calls Leave", func(spec SpecContext) {
		ctx := harness.Context(spec)
		p := newPool(ctx, 1)
		a, b := p.conn("a", true), p.conn("b", true)
		Expect(p.admit(ctx, a)).To(BeTrue())
		Expect(p.busy(ctx, a)).To(BeTrue())
		p.idle(ctx, a)
		admitted := harness.Go("pool.Admit(b), closing the idle a, whose Close calls pool.Leave(a)", func() bool { return p.pool.Admit(b) })
		harness.Receive(ctx, admitted.Done(), "Admit(b) to return after closing the idle connection a",
			"a's Close calls pool.Leave(a), as the server's connections do: if Admit still holds the pool's mutex while it "+
				"closes a, Leave waits for that mutex for ever (a sync.Mutex is not reentrant). Decide under the lock, close "+
				"after Unlock. "+harness.See("idle-first"))
		Expect(admitted.Wait(ctx)).To(BeTrue())
		expectClosed("Admit(b) with a idle", map[*spyConn]int32{a: 1, b: 0})
		Expect(p.open(ctx)).To(Equal(1), "a's place went to b, and a's Leave freed nothing: Open() should be 1. %s", harness.See("idle-first"))
	}, harness.Timeout)

	It("keeps a connection it closed out: a late Idle does not bring it back, nor does Busy or Idle on one it never admitted", func(spec SpecContext) {
		ctx := harness.Context(spec)
		p := newPool(ctx, 1)
		a, b, c, stranger := p.conn("a", false), p.conn("b", false), p.conn("c", false), p.conn("stranger", false)
		Expect(p.busy(ctx, stranger)).To(BeFalse(), "The pool never admitted this connection: Busy should report false. %s", harness.See("idle-first"))
		p.idle(ctx, stranger)
		Expect(p.open(ctx)).To(Equal(0), "Busy and Idle on a connection the pool never admitted should not count it. %s", harness.See("idle-first"))
		Expect(p.admit(ctx, a)).To(BeTrue())
		Expect(p.busy(ctx, a)).To(BeTrue())
		p.idle(ctx, a)
		Expect(p.admit(ctx, b)).To(BeTrue(), "a is idle: Admit(b) should close it to make room. %s", harness.See("idle-first"))
		p.idle(ctx, a) // a's goroutine, late: it had finished its answer as a was closed
		Expect(p.busy(ctx, b)).To(BeTrue())
		Expect(p.admit(ctx, c)).To(BeFalse(), "The pool closed a, then a's goroutine called Idle(a) late. a holds no place and "+
			"must not be closed again: b serves a request, so Admit(c) should report false. %s", harness.See("idle-first"))
		expectClosed("After a late Idle(a)", map[*spyConn]int32{a: 1, b: 0, c: 0})
		Expect(p.open(ctx)).To(Equal(1))
	}, harness.Timeout)

	It("keeps its promises under contention: never closes a busy connection, never holds more than max", func(spec SpecContext) {
		ctx := harness.Context(spec)
		const max, newcomers = 4, 40
		p := newPool(ctx, max)
		for round := range harness.Rounds(3, 30) {
			// Every connection admitted cycles through requests on a
			// goroutine of its own (Busy, serving, Idle), until the pool
			// closes it to make room or it closes itself after a few
			// requests (Leave), while the accept loop admits newcomers:
			// Admit races Busy, Idle and Leave, with places both free and
			// taken.
			var (
				wg       sync.WaitGroup
				stop     atomic.Bool
				mu       sync.Mutex
				admitted []*spyConn
			)
			work := func(c *spyConn, requests int) {
				mu.Lock()
				admitted = append(admitted, c)
				mu.Unlock()
				wg.Go(func() {
					defer GinkgoRecover() // a panic in Busy or Idle fails the spec, not the suite
					for n := 0; n < 200 && !stop.Load(); n++ {
						if n == requests {
							c.Close() // the client is done: Leave
							return
						}
						if !p.pool.Busy(c) {
							return // closed to make room
						}
						c.serving.Store(true)
						runtime.Gosched() // let Admit run while c is busy, even at GOMAXPROCS=1
						c.serving.Store(false)
						p.pool.Idle(c)
						runtime.Gosched()
					}
				})
			}
			for i := range max {
				c := p.conn(fmt.Sprintf("r%d-w%d", round, i), true)
				Expect(p.admit(ctx, c)).To(BeTrue(), "Round %d: connection %s should find a place (the last round's connections all left). %s", round, c, harness.See("idle-first"))
				work(c, 1<<30)
			}
			accept := harness.Go("the accept loop: pool.Admit, many times, while the connections serve requests", func() []string {
				var over []string
				for i := range newcomers {
					c := p.conn(fmt.Sprintf("r%d-n%d", round, i), true)
					if !p.pool.Admit(c) {
						continue
					}
					work(c, 3+i%5)
					open := 0
					mu.Lock()
					for _, a := range admitted {
						if a.closes.Load() == 0 {
							open++
						}
					}
					mu.Unlock()
					if open > max {
						over = append(over, fmt.Sprintf("%d open after Admit(%s)", open, c))
					}
				}
				return over
			})
			over := accept.Wait(ctx)
			stop.Store(true)
			harness.Receive(ctx, waitGroupDone(&wg), "the connections' goroutines to finish their requests", harness.See("idle-first"))
			Expect(over).To(BeEmpty(), "Round %d: Admit reported true while leaving more than %d connections open (admitted, "+
				"and not closed): a full pool must close an idle one first, or refuse. %s", round, max, harness.See("idle-first"))
			for _, c := range admitted {
				Expect(c.cut.Load()).To(BeFalse(), "Round %d: connection %s was closed by the pool while it served a request "+
					"(between a Busy that reported true and the next Idle). Only an idle connection may be closed to make "+
					"room: check it is idle and take it out under one lock, so that Busy cannot slip in between. %s",
					round, c, harness.See("idle-first"))
			}
			harness.Do("closing every connection still open, each calling pool.Leave", func() {
				for _, c := range admitted {
					if c.closes.Load() == 0 {
						c.Close()
					}
				}
			}).Wait(ctx)
			Expect(p.open(ctx)).To(Equal(0), "Round %d: every connection the pool admitted was closed, and left (the ones it "+
				"closed to make room too): Open() should be 0, or the next round finds fewer places. %s", round, harness.See("idle-first"))
		}
	}, harness.Timeout)

	It("at MaxConns, serves a new client by closing an idle kept-alive connection, and never cuts a busy or a fresh one", func(spec SpecContext) {
		ctx := harness.Context(spec)
		started := make(chan string, 2)
		release := make(chan struct{})
		r := startTuned(ctx, func(_ context.Context, req *server.Request) server.Response {
			if req.Target != "/a" {
				started <- req.Target
				<-release
			}
			return ok(ctx, req)
		}, func(c *server.Config) { c.MaxConns = 3 })
		released := false
		DeferCleanup(func() {
			if !released {
				close(release)
			}
		})
		kept := dial(r.network, r.ln)
		keptBr := bufio.NewReader(kept)
		send(kept, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitReply(ctx, r.serve, keptBr, "the answer to the kept-alive client").close).To(BeFalse())
		waitForDeadlines(ctx, r.serve, r.clk, idleTimeout, 1, "the server to wait for the kept-alive client's next request (idle)")
		busy := dial(r.network, r.ln)
		busyBr := bufio.NewReader(busy)
		send(busy, "GET /busy HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitWhile(ctx, r.serve, started, "the handler to start on the busy client's request")).To(Equal("/busy"))
		fresh := dial(r.network, r.ln) // connects, and has not sent its request yet
		waitForDeadlines(ctx, r.serve, r.clk, headerTimeout, 1, "the server to wait for the fresh client's first request")

		newcomer := dial(r.network, r.ln)
		newcomerBr := bufio.NewReader(newcomer)
		send(newcomer, "GET /new HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitWhile(ctx, r.serve, started, "the handler to start on the request of a fourth client, with MaxConns 3: "+
			"one connection is idle (kept alive, waiting for its next request), one serves a request, one is fresh; the "+
			"idle one should make room. "+harness.See("idle-first"))).To(Equal("/new"))
		expectEnded(ctx, kept, keptBr, "The idle kept-alive connection should have been closed to make room for the fourth client.")

		late := dial(r.network, r.ln)
		refused := awaitReply(ctx, r.serve, bufio.NewReader(late), "the answer to a fifth client")
		Expect(refused.status).To(Equal(http.StatusServiceUnavailable), "MaxConns is 3: two connections serve a request and "+
			"one is fresh (its first request not read yet, which is not idle). Nothing may be closed: the fifth client "+
			"should be refused with a 503. Got %v. %s", refused, harness.See("idle-first"))
		late.Close() // read its 503: a client closes after "Connection: close", ending the server's lingering close
		close(release)
		released = true
		for _, c := range []struct {
			name string
			br   *bufio.Reader
			body string
		}{{"busy", busyBr, "GET /busy\n"}, {"fourth", newcomerBr, "GET /new\n"}} {
			answer := awaitReply(ctx, r.serve, c.br, "the answer to the "+c.name+" client's request")
			Expect(answer.err).NotTo(HaveOccurred(), "A connection that serves a request is never closed to make room. %s", harness.See("idle-first"))
			Expect(answer.body).To(Equal(c.body))
		}
		send(fresh, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
		answer := awaitReply(ctx, r.serve, bufio.NewReader(fresh), "the answer to the fresh client's first request")
		Expect(answer.err).NotTo(HaveOccurred(), "A fresh connection, that has not sent its first request yet, is not idle: it "+
			"should not have been closed to make room. %s", harness.See("idle-first"))
		Expect(answer.status).To(Equal(http.StatusOK))
	}, harness.Timeout)
})

// waitGroupDone returns a channel closed once wg is done.
func waitGroupDone(wg *sync.WaitGroup) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}
