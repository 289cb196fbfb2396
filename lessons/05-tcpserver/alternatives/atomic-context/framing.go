package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// MaxHeaderFields is the most header field lines a request may carry; a
// request with more is refused with ErrHeaderTooLarge (431).
const MaxHeaderFields = 100

// CheckRequest refuses an HTTP/1.1 request without exactly one Host field,
// any request with several (ErrBadRequest), and a request with more than
// MaxHeaderFields field lines (ErrHeaderTooLarge).
//
// This design stops counting as soon as the limit is passed, and reads the
// Host fields through Header.Values.
func CheckRequest(req *Request) error {
	left := MaxHeaderFields
	for _, values := range req.Header {
		if left -= len(values); left < 0 {
			return fmt.Errorf("%w: over %d header fields", ErrHeaderTooLarge, MaxHeaderFields)
		}
	}
	switch hosts := req.Header.Values("Host"); {
	case len(hosts) >= 2:
		return fmt.Errorf("%w: Host sent %d times", ErrBadRequest, len(hosts))
	case len(hosts) == 0 && req.Proto != "HTTP/1.0":
		return fmt.Errorf("%w: no Host field", ErrBadRequest)
	}
	return nil
}

// WriteResponseTo writes resp as the answer to method, framed as RFC 9110
// requires: no Content-Length and no body for 1xx, 204 and 304, and no
// body (but the GET's Content-Length) for HEAD.
//
// This design lets WriteResponse frame the response into a buffer, then
// edits the result: it drops the Content-Length line of a bodiless status
// (WriteResponse writes the only line that starts with Content-Length:
// the handler's own is skipped, and no value can start a line), and the
// body, which WriteResponse writes last, of a response to HEAD.
func WriteResponseTo(w io.Writer, method string, resp Response) error {
	bodiless := resp.Status >= 100 && resp.Status < 200 ||
		resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified
	if bodiless {
		resp.Body = nil
	}
	var b bytes.Buffer
	if err := WriteResponse(&b, resp); err != nil {
		return err
	}
	out := b.Bytes()
	if bodiless {
		out = bytes.Replace(out, []byte("\r\nContent-Length: 0\r\n"), []byte("\r\n"), 1)
	} else if method == "HEAD" {
		out = out[:len(out)-len(resp.Body)]
	}
	_, err := w.Write(out)
	return err
}
