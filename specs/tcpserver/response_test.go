package tcpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// recorder is an io.Writer that keeps what it is given and counts the
// Write calls. It offers nothing but Write, so that io.WriteString and
// friends go through Write too and are counted.
type recorder struct {
	buf    bytes.Buffer
	writes int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.writes++
	return r.buf.Write(p)
}

func (r *recorder) Bytes() []byte  { return r.buf.Bytes() }
func (r *recorder) String() string { return r.buf.String() }

// write calls server.WriteResponse(w, resp) and parses what it wrote with
// net/http.
func write(ctx context.Context, resp server.Response) (reply, *recorder) {
	GinkgoHelper()
	var out recorder
	err := harness.Go("server.WriteResponse(w, resp)", func() error { return server.WriteResponse(&out, resp) }).Wait(ctx)
	Expect(err).NotTo(HaveOccurred(), "WriteResponse to a writer that cannot fail returned an error. %s", harness.See("response"))
	return readReply(bufio.NewReader(bytes.NewReader(out.Bytes()))), &out
}

// startServeConn calls s.ServeConn(ctx, conn) on a goroutine of the spec's.
// The spec waits for it to return before its pipe is closed.
func startServeConn(ctx context.Context, s *server.Server, conn *memnet.Conn) *harness.Call[struct{}] {
	call := harness.Do("s.ServeConn(ctx, conn)", func() { s.ServeConn(ctx, conn) })
	harness.DeferCleanup(func(ctx context.Context) {
		conn.Close() // ends a ServeConn still reading
		harness.Receive(ctx, call.Done(), "s.ServeConn to return at the end of the spec, once its connection was closed",
			"A closed connection fails every Read and Write: ServeConn should return. Is a handler, or a wait, stuck?")
	})
	return call
}

var _ = Describe("response", Label("response"), func() {
	It("writes a response net/http can read: status line, headers, Content-Length, then the body", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got, out := write(ctx, server.Response{
			Status: http.StatusOK,
			Header: http.Header{"Content-Type": {"text/plain"}, "X-Lane": {"3"}},
			Body:   []byte("hello\n"),
		})
		Expect(got.err).NotTo(HaveOccurred(), "net/http could not read the response WriteResponse wrote:\n%q\n%s", out.String(), harness.See("response"))
		Expect(out.String()).To(HavePrefix("HTTP/1.1 200 OK\r\n"), "The status line: version, code, reason phrase (http.StatusText). %s", harness.See("response"))
		Expect(got.status).To(Equal(http.StatusOK))
		Expect(got.header.Get("Content-Type")).To(Equal("text/plain"))
		Expect(got.header.Get("X-Lane")).To(Equal("3"))
		Expect(got.length).To(BeEquivalentTo(6), "The response must say how long its body is, Content-Length: 6: "+
			"without it, the client can only find the end of the body when the connection closes, so the connection "+
			"cannot be kept alive, and a cut connection looks like a complete answer. Response written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.body).To(Equal("hello\n"))
		Expect(got.close).To(BeFalse(), "Close was false: no \"Connection: close\".")
		Expect(out.writes).To(Equal(1), "WriteResponse should build the response first and write it with one "+
			"Write: each Write on a connection may become a packet of its own. %s", harness.See("response"))

		got, out = write(ctx, server.Response{Status: http.StatusNotFound})
		Expect(out.String()).To(HavePrefix("HTTP/1.1 404 Not Found\r\n"))
		Expect(out.String()).To(ContainSubstring("\r\nContent-Length: 0\r\n"), "An empty body is announced too: Content-Length: 0. %s", harness.See("response"))
		Expect(got.body).To(BeEmpty())
	}, harness.Timeout)

	It("decides the framing itself: its own Content-Length, and Connection: close when asked", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got, out := write(ctx, server.Response{
			Status: http.StatusOK,
			Header: http.Header{"Content-Length": {"999"}, "Transfer-Encoding": {"chunked"}, "Connection": {"keep-alive"}},
			Body:   []byte("four"),
			Close:  true,
		})
		Expect(got.err).NotTo(HaveOccurred(), "net/http could not read:\n%q\n%s", out.String(), harness.See("response"))
		Expect(strings.Count(out.String(), "Content-Length")).To(Equal(1), "Only WriteResponse writes Content-Length, "+
			"counted from the body: a handler's own value (999 here) must be ignored. Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.length).To(BeEquivalentTo(4))
		Expect(out.String()).NotTo(ContainSubstring("chunked"), "Transfer-Encoding is framing, WriteResponse's to write (and it does not chunk). %s", harness.See("response"))
		Expect(got.close).To(BeTrue(), "Response.Close is true: the response should say \"Connection: close\". Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.body).To(Equal("four"))

		// A handler may fill the map by hand, in any case: the names are
		// still the framing's.
		got, out = write(ctx, server.Response{
			Status: http.StatusOK,
			Header: http.Header{"content-length": {"999"}, "TRANSFER-ENCODING": {"chunked"}, "connection": {"close"}, "X-Kept": {"yes"}},
			Body:   []byte("five!"),
		})
		Expect(got.err).NotTo(HaveOccurred(), "net/http could not read:\n%q\n%s", out.String(), harness.See("response"))
		Expect(strings.Count(strings.ToLower(out.String()), "content-length")).To(Equal(1), "The handler set "+
			"\"content-length\" in lower case, straight into the map: header names are case-insensitive, so it is "+
			"still a Content-Length, and still WriteResponse's alone to write. Compare names with "+
			"http.CanonicalHeaderKey. Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(strings.ToLower(out.String())).NotTo(ContainSubstring("chunked"), "\"TRANSFER-ENCODING\" is "+
			"Transfer-Encoding, whatever its case. Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.close).To(BeFalse(), "Response.Close is false: a \"connection: close\" from the handler's map must "+
			"not be written (the framing is the server's). Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.header.Get("X-Kept")).To(Equal("yes"), "Other headers stay.")
		Expect(got.body).To(Equal("five!"))
	}, harness.Timeout)

	It("returns the error of the Write that failed", func(spec SpecContext) {
		ctx := harness.Context(spec)
		w := &failing{err: syscall.EPIPE}
		err := harness.Go("server.WriteResponse(w, resp)", func() error {
			return server.WriteResponse(w, server.Response{Status: http.StatusOK, Body: []byte("lost\n")})
		}).Wait(ctx)
		Expect(w.writes).To(BeNumerically(">", 0), "WriteResponse did not write at all. %s", harness.See("response"))
		Expect(err).To(MatchError(syscall.EPIPE), "Every Write to this writer fails with EPIPE (the client went "+
			"away): WriteResponse should return that error, so that ServeConn stops serving a connection it "+
			"can no longer answer on. It returned %v. %s", err, harness.See("response"))
	}, harness.Timeout)

	It("keeps a header value on its line: a CR or LF in it cannot add a header", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got, out := write(ctx, server.Response{
			Status: http.StatusOK,
			Header: http.Header{"X-Echo": {"hi\r\nSet-Cookie: admin=true"}},
		})
		Expect(got.err).NotTo(HaveOccurred(), "net/http could not read:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.header.Values("Set-Cookie")).To(BeEmpty(), "A handler echoed the client's input into a header, and "+
			"the CR LF in it started a header of its own: that is response splitting, and here it sets a cookie. "+
			"Replace CR and LF in header values with spaces. Written:\n%q\n%s", out.String(), harness.See("response"))
		Expect(got.header.Get("X-Echo")).To(ContainSubstring("Set-Cookie: admin=true"), "The value stays, on one line.")
	}, harness.Timeout)

	It("serves the requests of a connection one after another, answering each with the handler's response", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		s := server.New(config(clk, func(ctx context.Context, req *server.Request) server.Response {
			return server.Response{Status: http.StatusOK, Body: append([]byte(req.Method+" "+req.Target+" "), req.Body...)}
		}))
		serve := startServeConn(ctx, s, srv)
		send(client, "GET /first HTTP/1.1\r\nHost: a\r\n\r\nPOST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody")

		br := bufio.NewReader(client)
		for _, want := range []string{"GET /first ", "POST /second body"} {
			read := startReading(br)
			awaitWhile(ctx, serve, read.Done(), "ServeConn to answer "+want)
			got := read.Wait(ctx)
			Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("response"))
			Expect(got.status).To(Equal(http.StatusOK))
			Expect(got.body).To(Equal(want), "ServeConn should answer each request with the handler's response, in order.")
			Expect(got.close).To(BeFalse(), "HTTP/1.1 keeps the connection alive unless someone asks to close it. %s", harness.See("response"))
		}
		Expect(serve.Returned()).To(BeFalse(), "ServeConn should wait for a third request on the kept-alive connection.")
	}, harness.Timeout)

	It("closes after the response when the client asks: Connection: close, or HTTP/1.0", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, request := range closingRequests {
			clk := harness.NewClock()
			client, srv := pipe(memnet.New(memnet.WithClock(clk)))
			serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
			send(client, request)
			got := awaitReply(ctx, serve, bufio.NewReader(client), "a response to "+request)
			Expect(got.status).To(Equal(http.StatusOK))
			Expect(got.close).To(BeTrue(), "For %q the response should say \"Connection: close\": then the client "+
				"knows not to send another request. Connection is a list of case-insensitive tokens, under a "+
				"case-insensitive name, possibly on several lines: req.WantsClose() reads it all. %s", request, harness.See("response"))
			harness.Receive(ctx, serve.Done(), "ServeConn to return after answering "+request,
				"A response with Close set ends the connection. "+harness.See("response"))
		}
	}, harness.Timeout)

	It("keeps the connection alive when no Connection token is close", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, request := range keptRequests {
			clk := harness.NewClock()
			client, srv := pipe(memnet.New(memnet.WithClock(clk)))
			serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
			br := bufio.NewReader(client)
			send(client, request)
			got := awaitReply(ctx, serve, br, "a response to "+quote(request))
			Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("response"))
			Expect(got.close).To(BeFalse(), "For %s the response should not say \"Connection: close\": no token of the "+
				"Connection header is close, and HTTP/1.1 keeps connections alive. %s", quote(request), harness.See("response"))
			send(client, "GET /again HTTP/1.1\r\nHost: a\r\n\r\n")
			again := awaitReply(ctx, serve, br, "a response to a second request on the same connection, after "+quote(request))
			Expect(again.err).NotTo(HaveOccurred(), "After answering %s, ServeConn should have kept the connection for "+
				"the next request. %s", quote(request), harness.See("response"))
			Expect(again.body).To(Equal("GET /again\n"))
		}
	}, harness.Timeout)

	It("answers 400, 431, 413 or 501 to a request it refuses, and stops", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, c := range []struct {
			request string
			status  int
		}{
			{"HELLO\r\n\r\n", http.StatusBadRequest},
			{"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("x", server.MaxHeaderBytes) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
			{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n", http.StatusRequestEntityTooLarge},
			{"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", http.StatusNotImplemented},
		} {
			clk := harness.NewClock()
			client, srv := pipe(memnet.New(memnet.WithClock(clk)))
			serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
			send(client, c.request)
			got := awaitReply(ctx, serve, bufio.NewReader(client), "a response to a refused request")
			Expect(got.err).NotTo(HaveOccurred(), "%s", harness.See("response"))
			Expect(got.status).To(Equal(c.status), "%s", harness.See("response"))
			Expect(got.close).To(BeTrue(), "After a refused request the connection closes: say so. %s", harness.See("response"))
			client.Close() // as a client does once told "Connection: close": it ends ServeConn's lingering close
			harness.Receive(ctx, serve.Done(), "ServeConn to return after refusing a request, once the client closed", harness.See("response"))
		}
		// ReadRequest may wrap its errors with details: the status follows
		// the error it wraps.
		for _, c := range []struct {
			err    error
			status int
		}{
			{fmt.Errorf("reading: %w", server.ErrBadRequest), http.StatusBadRequest},
			{fmt.Errorf("reading: %w", server.ErrHeaderTooLarge), http.StatusRequestHeaderFieldsTooLarge},
			{fmt.Errorf("reading: %w", server.ErrBodyTooLarge), http.StatusRequestEntityTooLarge},
			{fmt.Errorf("reading: %w", server.ErrNotImplemented), http.StatusNotImplemented},
			{io.EOF, 0},
			{os.ErrDeadlineExceeded, 0},
		} {
			Expect(server.StatusOf(c.err)).To(Equal(c.status), "StatusOf(%v) should be %d: it recognises the errors "+
				"ReadRequest wraps with errors.Is, and answers nobody (0) when the client is gone or late. %s",
				c.err, c.status, harness.See("response"))
		}
	}, harness.Timeout)

	It("answers 500 when the handler panics, and the server lives on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		network := memnet.New(memnet.WithClock(clk))
		client, srv := pipe(network)
		s := server.New(config(clk, func(_ context.Context, req *server.Request) server.Response {
			if req.Target == "/crash" {
				var m map[string]int
				//lint:ignore SA5000 on purpose: the handler panics with a runtime error, as real handlers do
				m["boom"]++ // a nil map: panics
			}
			return ok(ctx, req)
		}))
		serve := startServeConn(ctx, s, srv)
		send(client, "GET /crash HTTP/1.1\r\nHost: a\r\n\r\n")
		got := awaitReply(ctx, serve, bufio.NewReader(client), "a response to a request whose handler panics")
		Expect(got.status).To(Equal(http.StatusInternalServerError), "answer should recover the handler's panic and "+
			"answer 500 Internal Server Error. %s", harness.See("response"))
		Expect(got.close).To(BeTrue(), "After a panic, close the connection. %s", harness.See("response"))
		harness.Receive(ctx, serve.Done(), "ServeConn to return after the 500", harness.See("response"))

		client, srv = pipe(network)
		serve = startServeConn(ctx, s, srv)
		send(client, "GET /fine HTTP/1.1\r\nHost: a\r\n\r\n")
		Expect(awaitReply(ctx, serve, bufio.NewReader(client), "the same server to answer the next client").status).To(Equal(http.StatusOK))
	}, harness.Timeout)
})

// closingRequests ask for the connection to close after their response.
// Connection is a comma-separated list of case-insensitive tokens, under a
// case-insensitive name, and may come on several lines (RFC 9110, 7.6.1).
var closingRequests = []string{
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nconnection: CLOSE\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
}

// keptRequests leave the connection open for the next request.
var keptRequests = []string{
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, X-Trace\r\n\r\n",
}

// failing is an io.Writer whose every Write fails with err.
type failing struct {
	err    error
	writes int
}

func (f *failing) Write(p []byte) (int, error) {
	f.writes++
	return 0, f.err
}
