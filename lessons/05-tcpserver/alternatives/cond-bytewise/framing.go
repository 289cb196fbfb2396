package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// MaxHeaderFields is the most header field lines a request may carry; a
// request with more is refused with ErrHeaderTooLarge (431).
const MaxHeaderFields = 100

// CheckRequest refuses an HTTP/1.1 request without exactly one Host field,
// any request with several (ErrBadRequest), and a request with more than
// MaxHeaderFields field lines (ErrHeaderTooLarge).
func CheckRequest(req *Request) error {
	var fields int
	for _, values := range req.Header {
		fields += len(values)
	}
	if fields >= MaxHeaderFields+1 {
		return fmt.Errorf("%w: %d header fields", ErrHeaderTooLarge, fields)
	}
	hosts := req.Header["Host"]
	if req.Proto == "HTTP/1.1" && len(hosts) != 1 || len(hosts) > 1 {
		return fmt.Errorf("%w: %d Host fields in an %s request", ErrBadRequest, len(hosts), req.Proto)
	}
	return nil
}

// statusAllowsBody says whether a response with status may carry a body
// at all (RFC 9110: never 1xx, 204 or 304).
var statusAllowsBody = func(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == http.StatusNoContent, status == http.StatusNotModified:
		return false
	}
	return true
}

// WriteResponseTo writes resp as the answer to method, framed as RFC 9110
// requires: no Content-Length and no body for 1xx, 204 and 304, and no
// body (but the GET's Content-Length) for HEAD. This design writes the
// head into a strings.Builder field by field, and the body, if any, is
// appended to the same Builder, written with one io.WriteString.
func WriteResponseTo(w io.Writer, method string, resp Response) error {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(resp.Status) + " " + http.StatusText(resp.Status) + "\r\n")
	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		if !framing(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range resp.Header[name] {
			b.WriteString(name + ": " + strings.Map(flatten, value) + "\r\n")
		}
	}
	withBody := statusAllowsBody(resp.Status)
	if withBody {
		b.WriteString("Content-Length: " + strconv.Itoa(len(resp.Body)) + "\r\n")
	}
	if resp.Close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	if withBody && method != http.MethodHead {
		b.Write(resp.Body)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
