package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/fakes/memnet"
	"autoroute/internal/harness"
	"autoroute/solutions/server"
)

// parsed is what ReadRequest returned.
type parsed struct {
	req *server.Request
	err error
}

// startReadRequest calls server.ReadRequest(br) on a goroutine of the
// spec's; input describes what the reader holds, for the messages.
func startReadRequest(br *bufio.Reader, input string) *harness.Call[parsed] {
	return harness.Go("server.ReadRequest(r) on "+input, func() parsed {
		req, err := server.ReadRequest(br)
		return parsed{req, err}
	})
}

// readRequest reads one request from br and waits for the result.
func readRequest(ctx context.Context, br *bufio.Reader, input string) parsed {
	GinkgoHelper()
	return startReadRequest(br, input).Wait(ctx)
}

// readString reads one request from text.
func readString(ctx context.Context, text string) parsed {
	GinkgoHelper()
	return readRequest(ctx, bufio.NewReader(strings.NewReader(text)), quote(text))
}

// quote is text as a Go string literal, shortened if it is long.
func quote(text string) string {
	if len(text) > 80 {
		return fmt.Sprintf("%q (%d bytes)", text[:60]+"..."+text[len(text)-12:], len(text))
	}
	return fmt.Sprintf("%q", text)
}

var _ = Describe("request", Label("request"), func() {
	It("reads a request that arrives a byte at a time", func(spec SpecContext) {
		ctx := harness.Context(spec)
		client, srv := pipe(memnet.New())
		client.Outbound().SetMaxRead(1) // each of the server's Reads gets one byte
		send(client, "POST /submit?lang=fr HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n"+
			"Content-Length: 11\r\n\r\nhello world")

		got := readRequest(ctx, bufio.NewReader(srv), "a POST that arrives one byte per Read")
		Expect(got.err).NotTo(HaveOccurred(), "The request is valid, it only arrives a byte at a time, as TCP may "+
			"deliver it: the seed's single read into 1024 bytes sees \"P\" and nothing more. Read until the blank "+
			"line, however many Reads it takes (bufio.Reader's ReadSlice loops for you). %s", harness.See("request"))
		Expect(got.req).NotTo(BeNil())
		Expect(got.req.Method).To(Equal("POST"))
		Expect(got.req.Target).To(Equal("/submit?lang=fr"))
		Expect(got.req.Proto).To(Equal("HTTP/1.1"))
		Expect(got.req.Header.Get("Host")).To(Equal("example.com"), "Header should hold each field under its canonical name.")
		Expect(got.req.Header.Get("Content-Type")).To(Equal("text/plain"))
		Expect(string(got.req.Body)).To(Equal("hello world"), "The body is the Content-Length bytes after the blank line. %s", harness.See("request"))
	}, harness.Timeout)

	It("reads exactly one request, and leaves the next one in the reader", func(spec SpecContext) {
		ctx := harness.Context(spec)
		three := "GET /one HTTP/1.1\r\nHost: a\r\n\r\n" +
			"POST /two HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" +
			"GET /three HTTP/1.0\nX-Line-End: bare LF\n\n"
		br := bufio.NewReader(strings.NewReader(three))
		for i, want := range []struct{ target, body, proto string }{
			{"/one", "", "HTTP/1.1"},
			{"/two", "abc", "HTTP/1.1"},
			{"/three", "", "HTTP/1.0"},
		} {
			got := readRequest(ctx, br, fmt.Sprintf("three requests sent back to back (request %d)", i+1))
			Expect(got.err).NotTo(HaveOccurred(), "Request %d of three, sent back to back on one connection as a client "+
				"may (and the last with bare \"\\n\" line ends, which RFC 9112 lets servers accept), should read "+
				"without error. %s", i+1, harness.See("request"))
			Expect(got.req.Target).To(Equal(want.target), "Request %d: ReadRequest must consume exactly one request, "+
				"body included, and leave the rest in the reader for the next call. %s", i+1, harness.See("request"))
			Expect(string(got.req.Body)).To(Equal(want.body), "Request %d's body.", i+1)
			Expect(got.req.Proto).To(Equal(want.proto))
		}
		Expect(readRequest(ctx, br, "an empty reader after three requests").err).To(MatchError(io.EOF),
			"Nothing is left after the three requests: ReadRequest should return io.EOF. %s", harness.See("request"))
	}, harness.Timeout)

	It("rejects a malformed request with ErrBadRequest, and never panics", func(spec SpecContext) {
		ctx := harness.Context(spec)
		for _, text := range []string{
			"GET\r\n\r\n",
			"GET /\r\n\r\n",
			"\r\n\r\n",
			"GET  / HTTP/1.1\r\n\r\n",
			"GET / HTTP/1.1 extra\r\n\r\n",
			"GET / HTTP/2.0\r\n\r\n",
			"GET / http/1.1\r\n\r\n",
			"G(T / HTTP/1.1\r\n\r\n",
			"GET /a\x00b HTTP/1.1\r\n\r\n",
			"GET / HTTP/1.1\r\nHost example.com\r\n\r\n",
			"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
			"GET / HTTP/1.1\r\nHost : example.com\r\n\r\n",
			"GET / HTTP/1.1\r\nHost: a\r\n folded: b\r\n\r\n",
			"GET / HTTP/1.1\r\nX-Nul: a\x00b\r\n\r\n",
			"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
			"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello",
			"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
			"POST / HTTP/1.1\r\nContent-Length: \r\n\r\n",
			"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
			"POST / HTTP/1.1\r\ncontent-length: 3\r\nCONTENT-LENGTH: 4\r\n\r\nabcd",
		} {
			got := readString(ctx, text)
			Expect(got.err).To(MatchError(server.ErrBadRequest), "ReadRequest on %s should fail with an error wrapping "+
				"ErrBadRequest (ServeConn answers 400), got request %+v and error %v. %s", quote(text), got.req, got.err, harness.See("request"))
		}
	}, harness.Timeout)

	It("refuses a head larger than MaxHeaderBytes with ErrHeaderTooLarge, without reading on", func(spec SpecContext) {
		ctx := harness.Context(spec)
		pad := func(total int) string { // a head of exactly total bytes
			head := "GET / HTTP/1.1\r\nX-Pad: \r\n\r\n"
			return strings.Replace(head, "X-Pad: ", "X-Pad: "+strings.Repeat("a", total-len(head)), 1)
		}
		got := readString(ctx, pad(server.MaxHeaderBytes))
		Expect(got.err).NotTo(HaveOccurred(), "A head of exactly MaxHeaderBytes bytes, line ends and blank line "+
			"included, is allowed. %s", harness.See("request"))
		Expect(readString(ctx, pad(server.MaxHeaderBytes+1)).err).To(MatchError(server.ErrHeaderTooLarge),
			"A head of MaxHeaderBytes+1 bytes should fail with ErrHeaderTooLarge (431). %s", harness.See("request"))

		// A header line that never ends, from a client that keeps the
		// connection open: ReadString('\n') would wait, and buffer, for ever.
		client, srv := pipe(memnet.New())
		endless := "GET / HTTP/1.1\r\nX-Endless: " + strings.Repeat("a", 4*server.MaxHeaderBytes)
		send(client, endless)
		call := startReadRequest(bufio.NewReader(srv), "a header line that never ends")
		harness.Receive(ctx, call.Done(), "ReadRequest to give up on a header line longer than MaxHeaderBytes",
			"The client sent four times MaxHeaderBytes without a line end and keeps the connection open. Count "+
				"the head's bytes as they arrive (ReadSlice returns bufio.ErrBufferFull for a long line) and stop at the "+
				"limit: r.ReadString('\\n') waits for a \"\\n\" that never comes, and buffers all it gets meanwhile. "+harness.See("request"))
		Expect(call.Wait(ctx).err).To(MatchError(server.ErrHeaderTooLarge), "%s", harness.See("request"))
		Expect(srv.Inbound().Buffered()).To(BeNumerically(">=", len(endless)-server.MaxHeaderBytes-4096),
			"ReadRequest read far past MaxHeaderBytes before refusing: it should stop within a buffer of the limit. %s", harness.See("request"))
	}, harness.Timeout)

	It("refuses a body larger than MaxBodyBytes before reading it, and any transfer coding", func(spec SpecContext) {
		ctx := harness.Context(spec)
		client, srv := pipe(memnet.New())
		send(client, "POST /upload HTTP/1.1\r\nContent-Length: 99999999999999999\r\n\r\n")
		call := startReadRequest(bufio.NewReader(srv), "a head that announces a body of 99999999999999999 bytes, and no body")
		harness.Receive(ctx, call.Done(), "ReadRequest to refuse a body announced at 99999999999999999 bytes",
			"Check Content-Length against MaxBodyBytes before reading (or allocating!) anything: a client's number "+
				"is a claim, not a size you can trust. "+harness.See("request"))
		Expect(call.Wait(ctx).err).To(MatchError(server.ErrBodyTooLarge), "%s", harness.See("request"))

		Expect(readString(ctx, fmt.Sprintf("POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n", server.MaxBodyBytes+1)).err).
			To(MatchError(server.ErrBodyTooLarge), "Content-Length: MaxBodyBytes+1 is too large. %s", harness.See("request"))
		huge := "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"
		got := readString(ctx, huge)
		Expect(got.err).To(MatchError(server.ErrBodyTooLarge), "ReadRequest on %s: 23 plain digits are a number, "+
			"too large for an int64 and far over MaxBodyBytes: the rule is ErrBodyTooLarge (413) for plain digits over "+
			"the limit, however many there are, and ErrBadRequest (400) only for what is not plain digits. Got %v. %s",
			quote(huge), got.err, harness.See("request"))
		body := strings.Repeat("b", server.MaxBodyBytes)
		got = readString(ctx, fmt.Sprintf("POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s", server.MaxBodyBytes, body))
		Expect(got.err).NotTo(HaveOccurred(), "A body of exactly MaxBodyBytes is allowed. %s", harness.See("request"))
		Expect(got.req.Body).To(HaveLen(server.MaxBodyBytes))

		Expect(readString(ctx, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").err).
			To(MatchError(server.ErrNotImplemented), "This server reads no chunked bodies: a Transfer-Encoding header "+
				"should get ErrNotImplemented (501), never be ignored (that is how requests get smuggled). %s", harness.See("request"))
	}, harness.Timeout)

	It("matches header names in any case, and keeps each under its canonical key", func(spec SpecContext) {
		ctx := harness.Context(spec)
		// Two requests back to back: if the lower-case content-length is
		// missed, its body is left in the reader and read as the next request.
		br := bufio.NewReader(strings.NewReader("POST /lower HTTP/1.1\r\nhost: example.com\r\ncontent-length: 5\r\n" +
			"x-request-ID: 7\r\n\r\nhelloGET /next HTTP/1.1\r\n\r\n"))
		got := readRequest(ctx, br, "a POST whose header names are in lower case")
		Expect(got.err).NotTo(HaveOccurred(), "Header names are case-insensitive (RFC 9110): \"content-length: 5\" is a "+
			"Content-Length. %s", harness.See("request"))
		Expect(string(got.req.Body)).To(Equal("hello"), "The request said \"content-length: 5\", in lower case, as clients "+
			"may: ReadRequest should read its 5-byte body. A name compared as written lets a body slip past the "+
			"framing checks, and the server reads it as the next request. %s", harness.See("request"))
		keys := make([]string, 0, len(got.req.Header))
		for k := range got.req.Header {
			keys = append(keys, k)
		}
		Expect(keys).To(ConsistOf("Host", "Content-Length", "X-Request-Id"), "Request.Header keeps each field under "+
			"its canonical key (textproto.CanonicalMIMEHeaderKey), so that a lookup finds it whatever case the "+
			"client wrote. %s", harness.See("request"))
		next := readRequest(ctx, br, "the request after the lower-case one")
		Expect(next.err).NotTo(HaveOccurred(), "%s", harness.See("request"))
		Expect(next.req.Target).To(Equal("/next"), "The body announced by \"content-length\" must be consumed, so "+
			"that the next request starts where it ends. %s", harness.See("request"))

		for _, c := range []struct {
			text string
			want error
		}{
			{"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", server.ErrNotImplemented},
			{"POST / HTTP/1.1\r\nTRANSFER-ENCODING: chunked\r\n\r\n0\r\n\r\n", server.ErrNotImplemented},
			{"POST / HTTP/1.1\r\nCONTENT-LENGTH: 99999\r\n\r\n", server.ErrBodyTooLarge},
			{"POST / HTTP/1.1\r\ncontent-length: 1e3\r\n\r\n", server.ErrBadRequest},
		} {
			got := readString(ctx, c.text)
			Expect(got.err).To(MatchError(c.want), "ReadRequest on %s should fail with %v, as it would with the "+
				"name written the usual way: the framing checks hold whatever the case. Got request %+v and error %v. %s",
				quote(c.text), c.want, got.req, got.err, harness.See("request"))
		}
	}, harness.Timeout)

	It("accepts every token character in a method and a header name, and nothing else", func(spec SpecContext) {
		ctx := harness.Context(spec)
		// Every class of token character (RFC 9110, 5.6.2), its ends included:
		// 0 and 9, A and Z, a and z, and the first and last of the others.
		const name = "!#$%&'*+-.^_`|~09AZaz"
		text := name + " /x HTTP/1.1\r\n" + name + ": v\r\n\r\n"
		got := readString(ctx, text)
		Expect(got.err).NotTo(HaveOccurred(), "ReadRequest on %s: every character of %q is a token character (digits, "+
			"letters and !#$%%&'*+-.^_`|~), allowed in a method and in a header name; mind the ends of each range. %s",
			quote(text), name, harness.See("request"))
		Expect(got.req.Method).To(Equal(name))
		Expect(got.req.Header.Get(name)).To(Equal("v"))
		for _, c := range []string{"/", ":", "@", "[", "{", "\x7f", "\"", "(", ")", ",", ";", "<", "=", ">", "?", "\\", "]", "}"} {
			text := "G" + c + "T / HTTP/1.1\r\n\r\n"
			got := readString(ctx, text)
			Expect(got.err).To(MatchError(server.ErrBadRequest), "ReadRequest on %s: %q is not a token character, "+
				"so the method is malformed. Got %v. %s", quote(text), c, got.err, harness.See("request"))
		}
	}, harness.Timeout)

	It("tells a client that hung up early from one that never came: io.EOF, or io.ErrUnexpectedEOF", func(spec SpecContext) {
		ctx := harness.Context(spec)
		Expect(readString(ctx, "").err).To(MatchError(io.EOF),
			"The connection ended before a request began: ReadRequest should return io.EOF itself. %s", harness.See("request"))
		for _, text := range []string{
			"GET / HT",
			"GET / HTTP/1.1\r\nHost: example.com\r\n",
			"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabcd",
		} {
			got := readString(ctx, text)
			Expect(got.err).To(MatchError(io.ErrUnexpectedEOF), "The connection ended in the middle of a request "+
				"(%s, then nothing): ReadRequest should return io.ErrUnexpectedEOF, got %v. %s", quote(text), got.err, harness.See("request"))
		}
	}, harness.Timeout)
})
