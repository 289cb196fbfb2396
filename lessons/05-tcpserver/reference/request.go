package server

import (
	"bufio"
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
	lines, err := readHead(r)
	if err != nil {
		return nil, err
	}
	req, err := parseRequestLine(lines[0])
	if err != nil {
		return nil, err
	}
	req.Header = make(http.Header, len(lines)-1)
	for _, line := range lines[1:] {
		name, value, err := parseHeaderLine(line)
		if err != nil {
			return nil, err
		}
		req.Header[name] = append(req.Header[name], value) // name is canonical already
	}
	if err := readBody(r, req); err != nil {
		return nil, err
	}
	return req, nil
}

// readHead reads the head's lines, without their line ends, up to the
// blank line, which it does not return. It stops with ErrHeaderTooLarge as
// soon as the head passes MaxHeaderBytes.
func readHead(r *bufio.Reader) ([]string, error) {
	var lines []string
	budget := MaxHeaderBytes
	for {
		line, err := readLine(r, &budget)
		if err != nil {
			if err == io.EOF && len(lines) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if line == "" && len(lines) > 0 {
			return lines, nil
		}
		lines = append(lines, line)
	}
}

// readLine reads one line and takes its length off budget. It never holds
// more than budget bytes: a line without an end fails with
// ErrHeaderTooLarge once it is too long.
func readLine(r *bufio.Reader, budget *int) (string, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if *budget -= len(chunk); *budget < 0 {
			return "", ErrHeaderTooLarge
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			line = line[:len(line)-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			return string(line), nil
		case err == bufio.ErrBufferFull:
			continue // a long line: keep reading, the budget bounds it
		case err == io.EOF && len(line) > 0:
			return "", io.ErrUnexpectedEOF
		default:
			return "", err
		}
	}
}

// parseRequestLine reads "METHOD TARGET HTTP/1.x".
func parseRequestLine(line string) (*Request, error) {
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	switch {
	case !ok1 || !ok2:
		return nil, fmt.Errorf("%w: request line %q is not METHOD TARGET VERSION", ErrBadRequest, line)
	case !isToken(method):
		return nil, fmt.Errorf("%w: method %q", ErrBadRequest, method)
	case target == "" || strings.ContainsFunc(target, isCtlOrSpace):
		return nil, fmt.Errorf("%w: request target %q", ErrBadRequest, target)
	case proto != "HTTP/1.1" && proto != "HTTP/1.0":
		return nil, fmt.Errorf("%w: version %q, want HTTP/1.1 or HTTP/1.0", ErrBadRequest, proto)
	}
	return &Request{Method: method, Target: target, Proto: proto}, nil
}

// parseHeaderLine reads "Name: value" and returns the name in canonical
// form and the value without its surrounding spaces.
func parseHeaderLine(line string) (name, value string, err error) {
	name, value, ok := strings.Cut(line, ":")
	switch {
	case !ok:
		return "", "", fmt.Errorf("%w: header line %q has no colon", ErrBadRequest, line)
	case !isToken(name):
		// Also catches " folded" continuation lines and "Name : value",
		// which RFC 9112 forbids.
		return "", "", fmt.Errorf("%w: header name %q", ErrBadRequest, name)
	}
	value = strings.Trim(value, " \t")
	if strings.ContainsFunc(value, isCtl) {
		return "", "", fmt.Errorf("%w: control character in the value of %s", ErrBadRequest, name)
	}
	return http.CanonicalHeaderKey(name), value, nil
}

// readBody reads the body Content-Length announces, if any.
func readBody(r *bufio.Reader, req *Request) error {
	if _, ok := req.Header["Transfer-Encoding"]; ok {
		return ErrNotImplemented
	}
	values := req.Header.Values("Content-Length")
	if len(values) == 0 {
		return nil
	}
	for _, v := range values[1:] {
		if v != values[0] {
			return fmt.Errorf("%w: conflicting Content-Length values %q", ErrBadRequest, values)
		}
	}
	n, err := parseLength(values[0])
	if err != nil {
		return err
	}
	if n > MaxBodyBytes {
		return fmt.Errorf("%w: Content-Length %d", ErrBodyTooLarge, n)
	}
	if n == 0 {
		return nil
	}
	req.Body = make([]byte, n)
	if _, err := io.ReadFull(r, req.Body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// parseLength reads a Content-Length: decimal digits, nothing else (no
// sign, no spaces), or ErrBadRequest. Plain digits are a number however
// many there are: one too big for an int64 is over MaxBodyBytes, so
// ErrBodyTooLarge.
func parseLength(v string) (int64, error) {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, fmt.Errorf("%w: Content-Length %q", ErrBadRequest, v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // digits only: the one way to fail is a number out of range
		return 0, fmt.Errorf("%w: Content-Length %s", ErrBodyTooLarge, v)
	}
	return n, nil
}

// isToken reports whether s is an HTTP token: the characters a method or
// a header name may use.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isCtl(r rune) bool        { return (r < ' ' && r != '\t') || r == 0x7f }
func isCtlOrSpace(r rune) bool { return r <= ' ' || r == 0x7f }
