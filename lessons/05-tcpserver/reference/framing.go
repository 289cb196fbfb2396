package server

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
)

// MaxHeaderFields is the most header field lines a request may carry.
// MaxHeaderBytes bounds their bytes; this bounds their number, since each
// line costs the server a map entry or a slice element whatever its size.
// A request with more is refused with ErrHeaderTooLarge (431: RFC 6585,
// section 5, names that status for header fields too large "individually
// or collectively").
const MaxHeaderFields = 100

// CheckRequest checks what ReadRequest cannot see one line at a time, and
// returns nil or an error wrapping
//   - ErrBadRequest for an HTTP/1.1 request without exactly one Host field
//     (none, or several: RFC 9112, section 3.2). An HTTP/1.0 request may
//     have none; one with several is refused too. An empty value is a
//     Host field all the same;
//   - ErrHeaderTooLarge for a request with more than MaxHeaderFields field
//     lines, counting each value of req.Header as one line (a repeated
//     name counts as many times as it was sent). Exactly MaxHeaderFields
//     is allowed.
func CheckRequest(req *Request) error {
	fields := 0
	for _, values := range req.Header {
		fields += len(values)
	}
	if fields > MaxHeaderFields {
		return fmt.Errorf("%w: %d header fields, at most %d", ErrHeaderTooLarge, fields, MaxHeaderFields)
	}
	hosts := len(req.Header["Host"])
	switch {
	case hosts > 1:
		return fmt.Errorf("%w: %d Host fields", ErrBadRequest, hosts)
	case hosts == 0 && req.Proto == "HTTP/1.1":
		return fmt.Errorf("%w: an HTTP/1.1 request needs a Host field", ErrBadRequest)
	}
	return nil
}

// WriteResponseTo writes resp to w as the answer to a request whose method
// is method (case-sensitive: "HEAD" only), framed as RFC 9110 requires,
// in a single Write. It writes what WriteResponse writes (status line,
// resp.Header sorted by name without the framing fields, CR and LF in
// values turned into spaces, Connection: close if resp.Close), except:
//   - a 1xx, 204 or 304 response has neither a Content-Length nor a body
//     (RFC 9110, sections 8.6 and 15.4.5), whatever resp.Body holds;
//   - any other response to HEAD has the Content-Length a GET would get,
//     len(resp.Body), and no body (RFC 9110, section 9.3.2): the client
//     reads the head only, and the next response must follow right after.
func WriteResponseTo(w io.Writer, method string, resp Response) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", resp.Status, http.StatusText(resp.Status))
	for _, name := range slices.Sorted(maps.Keys(resp.Header)) {
		switch http.CanonicalHeaderKey(name) {
		case "Content-Length", "Connection", "Transfer-Encoding":
			continue
		}
		for _, value := range resp.Header[name] {
			fmt.Fprintf(&b, "%s: %s\r\n", name, oneLine.Replace(value))
		}
	}
	bodiless := resp.Status/100 == 1 || resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified
	if !bodiless {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(resp.Body))
	}
	if resp.Close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	if !bodiless && method != http.MethodHead {
		b.Write(resp.Body)
	}
	_, err := w.Write(b.Bytes())
	return err
}
