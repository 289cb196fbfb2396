package tcpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// writeTo calls server.WriteResponseTo(out, method, resp) on a goroutine of
// the spec's and fails the spec if it returns an error.
func writeTo(ctx context.Context, out *recorder, method string, resp server.Response) {
	GinkgoHelper()
	what := fmt.Sprintf("server.WriteResponseTo(w, %q, Response{Status: %d})", method, resp.Status)
	err := harness.Go(what, func() error { return server.WriteResponseTo(out, method, resp) }).Wait(ctx)
	Expect(err).NotTo(HaveOccurred(), "%s to a writer that cannot fail returned an error. %s", what, harness.See("framing"))
}

// parseAs reads one response from br as net/http's client does after
// sending a request with method: for HEAD, it reads no body whatever
// Content-Length says.
func parseAs(br *bufio.Reader, method string) reply {
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, err = body.ReadFrom(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body.String(), close: resp.Close, length: resp.ContentLength, err: err}
}

// checkRequest calls server.CheckRequest(req) on a goroutine of the spec's.
func checkRequest(ctx context.Context, req *server.Request) error {
	GinkgoHelper()
	return harness.Go("server.CheckRequest(req)", func() error { return server.CheckRequest(req) }).Wait(ctx)
}

// describe says what a request holds, for messages.
func describe(req *server.Request) string {
	fields := 0
	for _, values := range req.Header {
		fields += len(values)
	}
	return fmt.Sprintf("an %s request with %d header field lines, %d of them Host %q", req.Proto, fields, len(req.Header["Host"]), req.Header["Host"])
}

var _ = Describe("framing", Label("framing"), func() {
	It("answers HEAD with the head a GET would get, Content-Length included, and no body, so the next response stays in step", func(spec SpecContext) {
		ctx := harness.Context(spec)
		var out recorder
		writeTo(ctx, &out, "HEAD", server.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("hello\n")})
		head := out.String()
		writeTo(ctx, &out, "GET", server.Response{Status: http.StatusOK, Body: []byte("second")})
		Expect(out.writes).To(Equal(2), "Each WriteResponseTo should write its response with one Write. %s", harness.See("framing"))

		Expect(head).To(HaveSuffix("\r\n\r\n"), "The spec wrote a 200 with the body \"hello\\n\" as the answer to HEAD. A response to HEAD "+
			"ends with its blank line: it has no body (RFC 9110, section 9.3.2), and a client that sent HEAD reads none, so a body "+
			"written anyway is read as the start of the next response. Written:\n%q\n%s", head, harness.See("framing"))
		br := bufio.NewReader(strings.NewReader(out.String()))
		first := parseAs(br, "HEAD")
		Expect(first.err).NotTo(HaveOccurred(), "net/http could not read the response to HEAD:\n%q\n%s", head, harness.See("framing"))
		Expect(first.status).To(Equal(http.StatusOK))
		Expect(first.length).To(BeEquivalentTo(6), "A response to HEAD carries the Content-Length the GET would get (6 for \"hello\\n\"): "+
			"that is what HEAD is for, learning about a resource without fetching it. Written:\n%q\n%s", head, harness.See("framing"))
		Expect(first.header.Get("Content-Type")).To(Equal("text/plain"), "A response to HEAD keeps the handler's headers.")
		second := parseAs(br, "GET")
		Expect(second.err).NotTo(HaveOccurred(), "After the response to HEAD, the spec wrote a GET's response on the same stream; net/http "+
			"could not read it, so the two are out of step:\n%q\n%s", out.String(), harness.See("framing"))
		Expect(second.body).To(Equal("second"), "The GET's response, written after the HEAD's, must be read whole: its own status "+
			"line, its own body. Stream:\n%q\n%s", out.String(), harness.See("framing"))

		out = recorder{}
		writeTo(ctx, &out, "HEAD", server.Response{Status: http.StatusNotFound, Body: []byte("404 page not found\n"), Close: true})
		Expect(out.String()).To(HaveSuffix("\r\nConnection: close\r\n\r\n"), "Every status answers HEAD without a body, a 404 "+
			"too, and Close still writes Connection: close. Written:\n%q\n%s", out.String(), harness.See("framing"))
		Expect(out.String()).To(ContainSubstring("\r\nContent-Length: 19\r\n"), "The 404's Content-Length is the GET's: 19.")
	}, harness.Timeout)

	It("writes neither Content-Length nor a body for 1xx, 204 and 304, whatever the handler put in Body, for GET and HEAD", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, status := range []int{http.StatusContinue, http.StatusEarlyHints, http.StatusNoContent, http.StatusNotModified} {
			for _, method := range []string{"GET", "HEAD"} {
				var out recorder
				writeTo(ctx, &out, method, server.Response{
					Status: status,
					Header: http.Header{"Etag": {`"v1"`}, "Content-Length": {"5"}},
					Body:   []byte("stale"),
				})
				written := out.String()
				Expect(written).To(HavePrefix(fmt.Sprintf("HTTP/1.1 %d %s\r\n", status, http.StatusText(status))), "The status line, as WriteResponse writes it.")
				Expect(written).NotTo(ContainSubstring("Content-Length"), "The spec wrote a %d with the body \"stale\" (and a handler's "+
					"Content-Length: 5) as the answer to %s. A 1xx or 204 response has no Content-Length (RFC 9110, section 8.6), and "+
					"a 304's would announce a body that never comes: leave it out. Written:\n%q\n%s", status, method, written, harness.See("framing"))
				Expect(written).To(HaveSuffix("\r\n\r\n"), "A %d response ends with its blank line: it never has a body, so "+
					"\"stale\" must not be written, or the client reads it as the next response. Written:\n%q\n%s", status, written, harness.See("framing"))
				Expect(written).To(ContainSubstring("\r\nEtag: \"v1\"\r\n"), "The handler's other headers are kept.")
				Expect(out.writes).To(Equal(1), "One Write per response. %s", harness.See("framing"))
			}
		}
	}, harness.Timeout)

	It("keeps Content-Length and the body for every other status and method, and its framing its own", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, method := range []string{"GET", "POST", "head", "OPTIONS"} {
			for _, status := range []int{http.StatusOK, http.StatusCreated, http.StatusResetContent, http.StatusBadRequest, http.StatusServiceUnavailable} {
				var out recorder
				writeTo(ctx, &out, method, server.Response{
					Status: status,
					Header: http.Header{"Content-Length": {"999"}, "Connection": {"keep-alive"}, "X-Note": {"a\r\nSet-Cookie: admin=true"}},
					Body:   []byte("body!"),
				})
				got := parseAs(bufio.NewReader(strings.NewReader(out.String())), method)
				Expect(got.err).NotTo(HaveOccurred(), "net/http could not read:\n%q\n%s", out.String(), harness.See("framing"))
				Expect(got.status).To(Equal(status))
				Expect(got.length).To(BeEquivalentTo(5), "The spec wrote a %d with the body \"body!\" as the answer to %q: only HEAD "+
					"(methods are case-sensitive, RFC 9110 section 9.1, so \"head\" is not HEAD) and the statuses 1xx, 204 and 304 change "+
					"the framing; this one keeps Content-Length: 5, counted from the body, not the handler's 999. Written:\n%q\n%s",
					status, method, out.String(), harness.See("framing"))
				Expect(got.body).To(Equal("body!"), "The body follows the head for %q and %d. Written:\n%q\n%s", method, status, out.String(), harness.See("framing"))
				Expect(got.header.Values("Set-Cookie")).To(BeEmpty(), "A CR or LF in a header value becomes a space, as in "+
					"WriteResponse: no value may add a header line of its own. Written:\n%q\n%s", out.String(), harness.See("framing"))
				Expect(strings.Count(out.String(), "Connection")).To(BeZero(), "Close was false, and the handler's Connection is ignored: no Connection line. Written:\n%q", out.String())
			}
		}
	}, harness.Timeout)

	It("refuses an HTTP/1.1 request without exactly one Host, and any request with several, with ErrBadRequest (400)", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, tc := range []struct {
			proto string
			hosts []string
			ok    bool
		}{
			{"HTTP/1.1", []string{"example.com"}, true},
			{"HTTP/1.1", []string{""}, true},
			{"HTTP/1.1", nil, false},
			{"HTTP/1.1", []string{"a.example", "b.example"}, false},
			{"HTTP/1.1", []string{"same", "same"}, false},
			{"HTTP/1.0", nil, true},
			{"HTTP/1.0", []string{"example.com"}, true},
			{"HTTP/1.0", []string{"a.example", "b.example"}, false},
		} {
			req := &server.Request{Method: "GET", Target: "/", Proto: tc.proto, Header: http.Header{"Accept": {"*/*"}}}
			if tc.hosts != nil {
				req.Header["Host"] = tc.hosts
			}
			err := checkRequest(ctx, req)
			if tc.ok {
				Expect(err).NotTo(HaveOccurred(), "CheckRequest refused %s: only an HTTP/1.1 request without a Host, or a request with "+
					"several, is malformed (RFC 9112, section 3.2; an empty Host is a Host). %s", describe(req), harness.See("framing"))
				continue
			}
			Expect(err).To(MatchError(server.ErrBadRequest), "CheckRequest was given %s. RFC 9112, section 3.2: a server must answer 400 to "+
				"an HTTP/1.1 request without a Host field, and to any request with more than one: two Hosts are two answers to "+
				"\"which site?\", and a proxy and the server may pick different ones. Want an error wrapping ErrBadRequest, got %v. %s",
				describe(req), err, harness.See("framing"))
			Expect(server.StatusOf(err)).To(Equal(http.StatusBadRequest), "StatusOf turns ErrBadRequest into 400.")
		}
	}, harness.Timeout)

	It("refuses more than MaxHeaderFields field lines with ErrHeaderTooLarge (431), counting repeated names, and allows exactly MaxHeaderFields", func(spec SpecContext) {
		ctx := harness.Context(spec)
		Expect(server.MaxHeaderFields).To(Equal(100), "MaxHeaderFields is given as 100. %s", harness.See("framing"))
		distinct := func(n int) *server.Request {
			req := &server.Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Header: http.Header{"Host": {"example.com"}}}
			for i := 1; i < n; i++ {
				req.Header[fmt.Sprintf("X-Field-%d", i)] = []string{"v"}
			}
			return req
		}
		repeated := func(n int) *server.Request {
			req := &server.Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Header: http.Header{"Host": {"example.com"}}}
			for i := 1; i < n; i++ {
				req.Header["Cookie"] = append(req.Header["Cookie"], fmt.Sprintf("c%d=1", i))
			}
			return req
		}
		for _, build := range []func(int) *server.Request{distinct, repeated} {
			at := build(server.MaxHeaderFields)
			Expect(checkRequest(ctx, at)).To(Succeed(), "CheckRequest refused %s: exactly MaxHeaderFields is allowed. %s", describe(at), harness.See("framing"))
			over := build(server.MaxHeaderFields + 1)
			err := checkRequest(ctx, over)
			Expect(err).To(MatchError(server.ErrHeaderTooLarge), "CheckRequest was given %s, one more than MaxHeaderFields (a "+
				"name sent twice is two lines: count the values, not the keys). Want an error wrapping ErrHeaderTooLarge, "+
				"got %v. %s", describe(over), err, harness.See("framing"))
			Expect(server.StatusOf(err)).To(Equal(http.StatusRequestHeaderFieldsTooLarge), "StatusOf turns ErrHeaderTooLarge into 431.")
			Expect(errors.Is(err, server.ErrBadRequest)).To(BeFalse(), "Too many fields is not malformed: 431, not 400.")
		}
	}, harness.Timeout)
	It("is how the server checks and frames: HEAD then GET on one connection stay in step, and HTTP/1.1 without Host gets 400", func(spec SpecContext) {
		ctx := harness.Context(spec)
		clk := harness.NewClock()
		client, srv := pipe(memnet.New(memnet.WithClock(clk)))
		serve := startServeConn(ctx, server.New(config(clk, ok)), srv)
		br := bufio.NewReader(client)

		send(client, "HEAD /page HTTP/1.1\r\nHost: a\r\n\r\nGET /page HTTP/1.1\r\nHost: a\r\n\r\n")
		head := harness.Go("the client's http.ReadResponse after HEAD", func() reply { return parseAs(br, http.MethodHead) }).Wait(ctx)
		Expect(head.err).NotTo(HaveOccurred(), "The client sent HEAD then GET on one connection; ServeConn should answer the HEAD. %s", harness.See("framing"))
		Expect(head.status).To(Equal(http.StatusOK))
		Expect(head.length).To(BeEquivalentTo(len("HEAD /page\n")), "The answer to HEAD should announce the Content-Length of "+
			"the handler's body. %s", harness.See("framing"))
		get := harness.Go("the client's http.ReadResponse after GET", func() reply { return parseAs(br, http.MethodGet) }).Wait(ctx)
		Expect(get.err).NotTo(HaveOccurred(), "%s", harness.See("framing"))
		Expect(get.body).To(Equal("GET /page\n"), "The second response should begin right after the head of the first: "+
			"ServeConn writes its answers with writeResponse, which should frame them with WriteResponseTo and the "+
			"request's method, so HEAD gets no body. %s", harness.See("framing"))

		send(client, "GET /nohost HTTP/1.1\r\n\r\n")
		bad := awaitReply(ctx, serve, br, "the answer to an HTTP/1.1 request without Host")
		Expect(bad.status).To(Equal(http.StatusBadRequest), "ServeConn runs CheckRequest on every request it reads: an "+
			"HTTP/1.1 request without Host is refused with 400 (RFC 9112, section 3.2). Got %v. %s", bad, harness.See("framing"))
		Expect(bad.close).To(BeTrue(), "A refusal closes the connection: what follows a bad request cannot be trusted.")
	}, harness.Timeout)
})
