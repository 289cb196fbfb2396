package tcpserver_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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
	s := server.New(server.Config{Handler: echo}) // the real clock, the default timeouts
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
})
