package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// WriteResponse writes resp to w as HTTP/1.1, in a single Write:
//
//	HTTP/1.1 200 OK\r\n
//	Content-Type: text/plain\r\n     resp.Header, sorted by name
//	Content-Length: 6\r\n            counted from resp.Body, for every status
//	Connection: close\r\n            only if resp.Close
//	\r\n
//	hello\n                          resp.Body
//
// That framing is right for every status this lesson's server sends, not
// for all of HTTP: a response to HEAD carries no body (RFC 9110, section
// 9.3.2), a 1xx or 204 response neither a body nor a Content-Length (RFC
// 9110, section 8.6), a 304 no body. WriteResponseTo, in framing.go, adds
// that framing.
//
// The status line carries http.StatusText's reason phrase. WriteResponse
// alone decides the framing: it ignores any Content-Length, Connection or
// Transfer-Encoding in resp.Header, and a CR or LF inside a header value
// becomes a space, so that no value can end its line and add a header of
// its own (response splitting).
func WriteResponse(w io.Writer, resp Response) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", resp.Status, http.StatusText(resp.Status))
	for _, name := range slices.Sorted(maps.Keys(resp.Header)) {
		switch http.CanonicalHeaderKey(name) {
		case "Content-Length", "Connection", "Transfer-Encoding":
			continue // the framing is ours to write
		}
		for _, value := range resp.Header[name] {
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(oneLine.Replace(value))
			b.WriteString("\r\n")
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n", len(resp.Body))
	if resp.Close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(resp.Body)
	_, err := w.Write(b.Bytes())
	return err
}

// oneLine keeps a header value on its line.
var oneLine = strings.NewReplacer("\r", " ", "\n", " ")

// answer calls the server's handler with req and returns its response,
// ready for WriteResponse:
//   - a handler that panics gets a 500 Internal Server Error, and the
//     connection is closed after it: one bad request must not bring the
//     whole server down;
//   - Close is set when the request asked for it (req.WantsClose) or the
//     server is shutting down (s.shuttingDown), so that the client knows
//     not to send another request on this connection.
func (s *Server) answer(ctx context.Context, req *Request) (resp Response) {
	defer func() {
		if r := recover(); r != nil {
			resp = Response{
				Status: http.StatusInternalServerError,
				Body:   []byte(http.StatusText(http.StatusInternalServerError) + "\n"),
				Close:  true,
			}
		}
	}()
	resp = s.cfg.Handler(ctx, req)
	resp.Close = resp.Close || req.WantsClose() || s.shuttingDown()
	return resp
}
