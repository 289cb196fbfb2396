package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/clock"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// echo answers with the request's method, target and body.
func echo(_ context.Context, req *server.Request) server.Response {
	return server.Response{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:   append([]byte(req.Method+" "+req.Target+"\n"), req.Body...),
	}
}

// served is what ListenAndServe returned.
type served struct {
	report server.Report
	err    error
}

// listenAndServe runs server.ListenAndServe on 127.0.0.1:0 with the real
// clock and returns the address it listens on, the call, and the function
// that cancels its context. It also returns an http.Client of its own,
// whose idle connections are closed when the spec ends.
func listenAndServe(ctx context.Context) (string, *harness.Call[served], context.CancelFunc, *http.Client) {
	GinkgoHelper()
	return listenAndServeWith(ctx, server.Config{Handler: echo}) // the real clock, the default timeouts
}

// listenAndServeWith is listenAndServe with a server configured by cfg.
func listenAndServeWith(ctx context.Context, cfg server.Config) (string, *harness.Call[served], context.CancelFunc, *http.Client) {
	GinkgoHelper()
	s := server.New(cfg)
	runCtx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	// A drain of a minute: a correct server drains in microseconds, and on
	// a machine under heavy load a shorter real-time deadline could cut a
	// connection that was only waiting for its turn to run.
	call := harness.Go(`server.ListenAndServe(ctx, "127.0.0.1:0", s, time.Minute, ready)`, func() served {
		report, err := server.ListenAndServe(runCtx, "127.0.0.1:0", s, time.Minute, func(addr net.Addr) { ready <- addr })
		return served{report, err}
	})
	transport := &http.Transport{DisableCompression: true}
	harness.DeferCleanup(func(ctx context.Context) {
		transport.CloseIdleConnections()
		cancel()
		harness.Receive(ctx, call.Done(), "ListenAndServe to return at the end of the spec, once its context was cancelled", harness.See("real-network"))
	})
	addr := awaitWhile(ctx, call, ready, "ListenAndServe to listen and call ready with its address")
	Expect(addr).NotTo(BeNil(), "ready was called with a nil address. %s", harness.See("real-network"))
	return addr.String(), call, cancel, &http.Client{Transport: transport, Timeout: harness.Budget}
}

// do sends req (made with the spec's context) with client on a goroutine
// of the spec's, and reads the whole response.
func do(ctx context.Context, client *http.Client, req *http.Request) reply {
	GinkgoHelper()
	return harness.Go("http.Client.Do "+req.Method+" "+req.URL.String(), func() reply {
		resp, err := client.Do(req)
		if err != nil {
			return reply{err: err}
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return reply{status: resp.StatusCode, header: resp.Header, body: string(body), close: resp.Close, length: resp.ContentLength, err: err}
	}).Wait(ctx)
}

// emfileListener is a real listener whose first n Accepts fail with EMFILE, as a
// kernel out of file descriptors fails them.
type emfileListener struct {
	net.Listener
	mu   sync.Mutex
	left int
}

func (l *emfileListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	failing := l.left > 0
	if failing {
		l.left--
	}
	l.mu.Unlock()
	if failing {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: os.NewSyscallError("accept", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// gatedListener is a real listener whose Accept returns a connection only
// once the spec sends on gate.
type gatedListener struct {
	net.Listener
	gate chan struct{}
}

func (l *gatedListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	<-l.gate
	return conn, nil
}

// logLines collects what net/http's client logs with the log package
// while a spec runs.
type logLines struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

var _ = Describe("real-network", Label("real-network"), func() {
	It("answers Go's own net/http client over real TCP on 127.0.0.1", func(spec SpecContext) {
		ctx := harness.Context(spec)
		addr, _, _, client := listenAndServe(ctx)
		Expect(addr).To(HavePrefix("127.0.0.1:"))
		Expect(addr).NotTo(HaveSuffix(":0"), "ready should get the address the listener really has: port 0 means \"pick one\".")

		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/bonjour?voie=3", nil)
		got := do(ctx, client, req)
		Expect(got.err).NotTo(HaveOccurred(), "net/http's client could not talk to the server. %s", harness.See("real-network"))
		Expect(got.status).To(Equal(http.StatusOK))
		Expect(got.body).To(Equal("GET /bonjour?voie=3\n"))
		Expect(got.header.Get("Content-Type")).To(Equal("text/plain; charset=utf-8"))

		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/echo", strings.NewReader("une voiture, deux voitures"))
		got = do(ctx, client, req)
		Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("real-network"))
		Expect(got.body).To(Equal("POST /echo\nune voiture, deux voitures"), "The server should read the body net/http sends.")
		Expect(got.length).To(BeEquivalentTo(len(got.body)))
	}, harness.Timeout)

	It("keeps the connection alive between requests, as net/http expects", func(spec SpecContext) {
		ctx := harness.Context(spec)
		addr, _, _, client := listenAndServe(ctx)
		var reused []bool
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) }}
		for _, path := range []string{"/one", "/two", "/three"} {
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, "http://"+addr+path, nil)
			got := do(ctx, client, req)
			Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("real-network"))
			Expect(got.body).To(Equal("GET " + path + "\n"))
		}
		Expect(reused).To(Equal([]bool{false, true, true}), "net/http should send the three requests on one "+
			"connection: the server keeps it alive, and each response's Content-Length tells the client where it ends. "+
			"%s", harness.See("real-network"))
	}, harness.Timeout)

	It("shuts down when its context ends: the port is closed, and it returns the report", func(spec SpecContext) {
		ctx := harness.Context(spec)
		addr, call, cancel, client := listenAndServe(ctx)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
		Expect(do(ctx, client, req).status).To(Equal(http.StatusOK))

		cancel()
		harness.Receive(ctx, call.Done(), "ListenAndServe to return once its context was cancelled",
			"s.Serve blocks until Shutdown: run it on a goroutine of its own, wait for ctx.Done(), then call "+
				"s.Shutdown(drain). "+harness.See("real-network"))
		got := call.Wait(ctx)
		Expect(got.err).NotTo(HaveOccurred(), "Nothing was in flight: the shutdown should be clean. %s", harness.See("real-network"))
		// The client's kept-alive connection is idle, or finishing its
		// answer: which one depends on the machine's timing.
		Expect(got.report.Idle+got.report.Finished).To(Equal(1), "The report should count the client's connection. %s", harness.See("real-network"))
		Expect(got.report.Cut).To(BeZero())
		conn, err := net.DialTimeout("tcp", addr, harness.Budget)
		if err == nil {
			conn.Close()
		}
		// Refused, or reset by a kernel that was still tearing the listener
		// down when the dial arrived: either way, nobody listens any more.
		Expect(err).To(Or(MatchError(syscall.ECONNREFUSED), MatchError(syscall.ECONNRESET)),
			"Once ListenAndServe has returned, its port should refuse connections. %s", harness.See("real-network"))
	}, harness.Timeout)

	It("returns once Serve has stopped on its own, without waiting for its context", func(spec SpecContext) {
		ctx := harness.Context(spec)
		s := server.New(server.Config{Handler: echo})
		runCtx, cancel := context.WithCancel(context.Background())
		DeferCleanup(cancel)
		ready := make(chan net.Addr, 1)
		call := harness.Go(`server.ListenAndServe(ctx, "127.0.0.1:0", s, time.Minute, ready)`, func() served {
			report, err := server.ListenAndServe(runCtx, "127.0.0.1:0", s, time.Minute, func(addr net.Addr) { ready <- addr })
			return served{report, err}
		})
		addr := awaitWhile(ctx, call, ready, "ListenAndServe to listen and call ready with its address")

		// Someone else shuts the server down: its Serve returns ErrClosed,
		// while ListenAndServe's context is still running.
		stop := harness.Go("s.Shutdown(time.Minute), called by the spec", func() error {
			_, err := s.Shutdown(time.Minute)
			return err
		})
		Expect(stop.Wait(ctx)).To(Succeed(), "An idle server should shut down at once.")
		harness.Receive(ctx, call.Done(), "ListenAndServe to return once its Serve had stopped, its context still running",
			"Serve stopped on its own (here a Shutdown called by someone else): ListenAndServe should notice, "+
				"not wait for a context that may never end. Wait for ctx.Done() and for Serve's result at once, in "+
				"a select. "+harness.See("real-network"))
		Expect(call.Wait(ctx).err).To(MatchError(server.ErrClosed), "ListenAndServe should return the error that "+
			"stopped Serve: ErrClosed here. %s", harness.See("real-network"))
		conn, err := net.DialTimeout("tcp", addr.String(), harness.Budget)
		if err == nil {
			conn.Close()
		}
		Expect(err).To(Or(MatchError(syscall.ECONNREFUSED), MatchError(syscall.ECONNRESET)),
			"Once ListenAndServe has returned, its port should refuse connections. %s", harness.See("real-network"))
	}, harness.Timeout)

	It("returns the error when it cannot listen, without calling ready", func(spec SpecContext) {
		ctx := harness.Context(spec)
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		defer taken.Close()
		called := make(chan net.Addr, 1)
		s := server.New(server.Config{Handler: echo})
		got := harness.Go("server.ListenAndServe on a port already taken", func() served {
			report, err := server.ListenAndServe(ctx, taken.Addr().String(), s, time.Second, func(addr net.Addr) { called <- addr })
			return served{report, err}
		}).Wait(ctx)
		Expect(got.err).To(MatchError(syscall.EADDRINUSE), "Listening on a port already taken fails: ListenAndServe "+
			"should return that error. %s", harness.See("real-network"))
		Expect(called).NotTo(Receive(), "ready was called, yet nothing listens. %s", harness.See("real-network"))
	}, harness.Timeout)
	It("refuses a client over MaxConns with a 503 it reads whole: no reset, however many times", func(spec SpecContext) {
		ctx := harness.Context(spec)
		holding, release := make(chan struct{}, 1), make(chan struct{})
		defer close(release)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		gated := &gatedListener{Listener: ln, gate: make(chan struct{})}
		addr := ln.Addr().String()
		s := server.New(server.Config{MaxConns: 1, Handler: func(ctx context.Context, req *server.Request) server.Response {
			if req.Target == "/hold" {
				holding <- struct{}{}
				<-release // the one place stays busy while the spec runs
			}
			return echo(ctx, req)
		}})
		serving := harness.Go("s.Serve(ln) with MaxConns 1", func() error { return s.Serve(gated) })
		harness.DeferCleanup(func(ctx context.Context) {
			harness.Go("s.Shutdown(time.Minute)", func() error { _, err := s.Shutdown(time.Minute); return err }).Wait(ctx)
			serving.Wait(ctx)
		})

		// Each client connects and sends its whole request while the server
		// has not accepted it yet; only then does the spec let Accept return
		// it. So the request is there, unread, when the server refuses.
		client := func(path string, written chan<- struct{}) reply {
			conn, err := net.DialTimeout("tcp", addr, harness.Budget)
			if err != nil {
				return reply{err: err}
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(harness.Budget)) // a safety net only
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader("a request sent whole"))
			req.Close = true // one request per connection: the stream ends after the answer
			err = req.Write(conn)
			written <- struct{}{}
			if err != nil {
				return reply{err: err}
			}
			br := bufio.NewReader(conn)
			got := readReply(br) // net/http's own parser
			if got.err == nil {
				// Then the end of the stream: a clean one, or a reset.
				if _, err := io.Copy(io.Discard, br); err != nil {
					got.err = fmt.Errorf("after the response, reading on: %w", err)
				}
			}
			return got
		}
		written := make(chan struct{}, 1)
		holder := harness.Go("a client whose request keeps the only place", func() reply { return client("/hold", written) })
		awaitWhile(ctx, holder, written, "the first client to send its request")
		gated.gate <- struct{}{}
		awaitWhile(ctx, holder, holding, "the handler to start serving /hold: the server's one place is taken")

		for round := range harness.Rounds(20, 50) {
			over := harness.Go("a client over the limit: dial, write a request, read the answer", func() reply { return client("/over", written) })
			awaitWhile(ctx, over, written, "the client over the limit to send its request")
			gated.gate <- struct{}{} // now the server may accept it, and refuse it
			got := over.Wait(ctx)
			Expect(got.err).NotTo(HaveOccurred(), "Try %d: a client over the limit had sent its request, and got %v "+
				"instead of the 503 and a clean end of stream. A connection closed with the client's bytes unread is reset: "+
				"the client reads \"connection reset by peer\", and the reset can destroy the 503 before the client reads "+
				"it (RFC 9112, section 9.6). Close it with CloseLingering. %s",
				round+1, got.err, harness.See("linger"))
			Expect(got.status).To(Equal(http.StatusServiceUnavailable), "Try %d. %s", round+1, harness.See("linger"))
			Expect(got.body).To(Equal("Service Unavailable\n"))
		}
		release <- struct{}{}
		Expect(holder.Wait(ctx).status).To(Equal(http.StatusOK))
	}, harness.Timeout)

	It("answers HEAD then GET on one kept-alive connection, each framed, as net/http's client expects", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var logged logLines
		log.SetOutput(io.MultiWriter(&logged, GinkgoWriter)) // net/http's client logs with the log package
		DeferCleanup(func() { log.SetOutput(os.Stderr) })
		addr, _, _, client := listenAndServe(ctx)
		var dials int
		var reused []bool
		trace := &httptrace.ClientTrace{
			ConnectStart: func(string, string) { dials++ },
			GotConn:      func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) },
		}
		head, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodHead, "http://"+addr+"/page", nil)
		got := do(ctx, client, head)
		Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("framing"))
		Expect(got.status).To(Equal(http.StatusOK))
		Expect(got.length).To(BeEquivalentTo(len("HEAD /page\n")), "The answer to HEAD announces the length a body would have. %s", harness.See("framing"))
		get, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, "http://"+addr+"/page", nil)
		got = do(ctx, client, get)
		Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("framing"))
		Expect(got.body).To(Equal("GET /page\n"))
		Expect(logged.String()).NotTo(ContainSubstring("Unsolicited response"), "net/http's client found bytes after the "+
			"answer to HEAD: a body, which a response to HEAD must not have. %s", harness.See("framing"))
		Expect(reused).To(Equal([]bool{false, true}), "The GET should go on the connection the HEAD used: after a "+
			"correctly framed answer to HEAD, net/http keeps the connection. %s", harness.See("framing"))
		Expect(dials).To(Equal(1), "net/http should have opened one connection for both requests. %s", harness.See("framing"))
	}, harness.Timeout)

	It("keeps accepting after a burst of EMFILE, through RetryAccept", func(spec SpecContext) {
		ctx := harness.Context(spec)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		const burst = 4 // pauses of 5, 10, 20 and 40 ms on the real clock
		failing := &emfileListener{Listener: ln, left: burst}
		var logs atomic.Int32
		s := server.New(server.Config{Handler: echo})
		serving := harness.Go("s.Serve(server.RetryAccept(ln, clock.Real(), logf))", func() error {
			return s.Serve(server.RetryAccept(failing, clock.Real(), func(string, ...any) { logs.Add(1) }))
		})
		transport := &http.Transport{}
		DeferCleanup(transport.CloseIdleConnections)
		harness.DeferCleanup(func(ctx context.Context) {
			harness.Go("s.Shutdown(time.Minute)", func() error { _, err := s.Shutdown(time.Minute); return err }).Wait(ctx)
			serving.Wait(ctx)
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/after-the-storm", nil)
		got := do(ctx, &http.Client{Transport: transport, Timeout: harness.Budget}, req)
		Expect(got.err).NotTo(HaveOccurred(), "Accept failed %d times with EMFILE, then worked: the server should ride "+
			"the storm out and answer. %s", burst, harness.See("accept-retry"))
		Expect(got.body).To(Equal("GET /after-the-storm\n"))
		Expect(logs.Load()).To(BeEquivalentTo(burst), "RetryAccept should log each failed Accept once. %s", harness.See("accept-retry"))
		Expect(serving.Returned()).To(BeFalse(), "Serve returned during the storm. %s", harness.See("accept-retry"))
	}, harness.Timeout)
})
