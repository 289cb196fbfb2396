package server

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// WriteResponse writes resp to w as HTTP/1.1, in a single Write: the
// status line with http.StatusText's reason phrase, resp.Header sorted by
// name, Content-Length counted from resp.Body, "Connection: close" if
// resp.Close, the blank line and the body. It ignores any Content-Length,
// Connection or Transfer-Encoding in resp.Header, whatever their case, and
// turns CR and LF in header values into spaces.
func WriteResponse(w io.Writer, resp Response) error {
	var b strings.Builder
	b.WriteString("HTTP/1.1 ")
	b.WriteString(strconv.Itoa(resp.Status))
	b.WriteString(" ")
	b.WriteString(http.StatusText(resp.Status))
	b.WriteString("\r\n")

	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		if framing(name) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range resp.Header[name] {
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(strings.Map(flatten, value))
			b.WriteString("\r\n")
		}
	}
	b.WriteString("Content-Length: ")
	b.WriteString(strconv.Itoa(len(resp.Body)))
	b.WriteString("\r\n")
	if resp.Close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(resp.Body)
	_, err := io.WriteString(w, b.String())
	return err
}

// framing reports whether name is a header WriteResponse writes itself.
func framing(name string) bool {
	return strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Connection") ||
		strings.EqualFold(name, "Transfer-Encoding")
}

// flatten keeps a header value on one line.
func flatten(r rune) rune {
	if r == '\r' || r == '\n' {
		return ' '
	}
	return r
}

// answer calls the server's handler with req and returns its response,
// ready for WriteResponse: a panicking handler gets a 500 with Close set,
// and Close is set when the request asks for it or the server is shutting
// down.
func (s *Server) answer(ctx context.Context, req *Request) Response {
	resp, ok := s.call(ctx, req)
	if !ok {
		return Response{
			Status: http.StatusInternalServerError,
			Body:   []byte(http.StatusText(http.StatusInternalServerError) + "\n"),
			Close:  true,
		}
	}
	if req.WantsClose() || s.shuttingDown() {
		resp.Close = true
	}
	return resp
}

// call runs the handler and reports whether it returned normally.
func (s *Server) call(ctx context.Context, req *Request) (resp Response, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.cfg.Handler(ctx, req), true
}
