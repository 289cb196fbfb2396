package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ReadRequest reads one request from r: the request line, the header
// lines up to the blank line, then the body if Content-Length announces
// one. The bytes may arrive split anyhow, a byte at a time included; it
// reads exactly the request, so that the next one on a kept-alive
// connection is still in r.
//
// It trusts none of the client's numbers. It returns an error wrapping
//   - ErrHeaderTooLarge once the head passes MaxHeaderBytes, without
//     reading further;
//   - ErrBadRequest for a malformed request line ("METHOD TARGET
//     HTTP/1.x", single spaces), header line ("Name: value") or
//     Content-Length (not plain digits, or several that disagree);
//   - ErrBodyTooLarge when Content-Length is plain digits over
//     MaxBodyBytes, however many digits (too many for an int64
//     included), before reading a byte of the body;
//   - ErrNotImplemented for a Transfer-Encoding header (chunked bodies are
//     not read here);
//   - io.EOF if the connection ended before the request began, and
//     io.ErrUnexpectedEOF if it ended in the middle of it.
//
// Lines end with "\r\n"; a bare "\n" is accepted too, as RFC 9112 allows.
// Header names are case-insensitive: each is kept under its canonical key
// ("content-length" as "Content-Length"), and the checks above hold
// whatever the case the client wrote.
func ReadRequest(r *bufio.Reader) (*Request, error) {
	head, err := wholeHead(r)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(head), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimSuffix(line, "\r")
	}
	req, err := parseStart(lines[0])
	if err != nil {
		return nil, err
	}
	req.Header = make(http.Header, len(lines)-1)
	for _, line := range lines[1:] {
		if err := parseField(req.Header, line); err != nil {
			return nil, err
		}
	}
	if err := readContent(r, req); err != nil {
		return nil, err
	}
	return req, nil
}

// wholeHead reads the head up to its blank line and returns it without
// the blank line and without the last line end. It holds at most
// MaxHeaderBytes: past that it stops with ErrHeaderTooLarge.
func wholeHead(r *bufio.Reader) ([]byte, error) {
	var head []byte
	lineStart := 0
	for {
		chunk, err := r.ReadSlice('\n')
		if len(head)+len(chunk) > MaxHeaderBytes {
			return nil, ErrHeaderTooLarge
		}
		head = append(head, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(head) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, io.ErrUnexpectedEOF
		case err != nil:
			return nil, err
		}
		line := head[lineStart:]
		if lineStart > 0 && (bytes.Equal(line, []byte("\n")) || bytes.Equal(line, []byte("\r\n"))) {
			end := lineStart - 1 // the '\n' that ended the last header line
			if end > 0 && head[end-1] == '\r' {
				end--
			}
			return head[:end], nil
		}
		lineStart = len(head)
	}
}

// parseStart reads the request line.
func parseStart(line string) (*Request, error) {
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: request line %q is not METHOD TARGET VERSION", ErrBadRequest, line)
	}
	req := &Request{Method: parts[0], Target: parts[1], Proto: parts[2]}
	switch {
	case !isTokenString(req.Method):
		return nil, fmt.Errorf("%w: method %q", ErrBadRequest, req.Method)
	case req.Target == "" || strings.IndexFunc(req.Target, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		return nil, fmt.Errorf("%w: request target %q", ErrBadRequest, req.Target)
	case req.Proto != "HTTP/1.1" && req.Proto != "HTTP/1.0":
		return nil, fmt.Errorf("%w: version %q", ErrBadRequest, req.Proto)
	}
	return req, nil
}

// parseField adds one "Name: value" line to header, under the canonical
// name.
func parseField(header http.Header, line string) error {
	i := strings.IndexByte(line, ':')
	if i < 0 {
		return fmt.Errorf("%w: header line %q has no colon", ErrBadRequest, line)
	}
	name, value := line[:i], strings.Trim(line[i+1:], " \t")
	if !isTokenString(name) {
		return fmt.Errorf("%w: header name %q", ErrBadRequest, name)
	}
	if strings.IndexFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
		return fmt.Errorf("%w: control character in header %s", ErrBadRequest, name)
	}
	name = http.CanonicalHeaderKey(name)
	header[name] = append(header[name], value)
	return nil
}

// readContent reads the body Content-Length announces.
func readContent(r *bufio.Reader, req *Request) error {
	if _, chunked := req.Header["Transfer-Encoding"]; chunked {
		return ErrNotImplemented
	}
	values := req.Header["Content-Length"]
	if len(values) == 0 {
		return nil
	}
	for _, v := range values {
		if v != values[0] {
			return fmt.Errorf("%w: Content-Length values %q disagree", ErrBadRequest, values)
		}
	}
	n, err := contentLength(values[0])
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	req.Body = make([]byte, n)
	_, err = io.ReadFull(r, req.Body)
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// contentLength reads plain digits as a length of at most MaxBodyBytes.
// The digits are counted before they are converted: leading zeros aside,
// more digits than MaxBodyBytes has is too large, however many there are.
func contentLength(v string) (int, error) {
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return 0, fmt.Errorf("%w: Content-Length %q", ErrBadRequest, v)
	}
	significant := strings.TrimLeft(v, "0")
	if len(significant) > len(strconv.Itoa(MaxBodyBytes)) {
		return 0, fmt.Errorf("%w: Content-Length %s", ErrBodyTooLarge, v)
	}
	n := 0
	if significant != "" {
		n, _ = strconv.Atoi(significant) // a few digits: cannot fail
	}
	if n > MaxBodyBytes {
		return 0, fmt.Errorf("%w: Content-Length %d", ErrBodyTooLarge, n)
	}
	return n, nil
}

// isTokenString reports whether s is an HTTP token.
func isTokenString(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
	}) < 0
}
