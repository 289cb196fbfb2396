package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
	h := headReader{r: r}
	line, err := h.line()
	if err != nil {
		return nil, err
	}
	req, err := requestLine(line)
	if err != nil {
		return nil, err
	}
	req.Header = http.Header{}
	for {
		line, err := h.line()
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		if err := addField(req.Header, line); err != nil {
			return nil, err
		}
	}
	if err := body(r, req); err != nil {
		return nil, err
	}
	return req, nil
}

// headReader reads the head a byte at a time and counts every byte.
type headReader struct {
	r     *bufio.Reader
	taken int // bytes of the head read so far
}

// line reads up to and including the next '\n' and returns the line
// without its end ("\r\n" or "\n").
func (h *headReader) line() ([]byte, error) {
	var line []byte
	for {
		c, err := h.r.ReadByte()
		if err != nil {
			if err == io.EOF && (h.taken > 0 || len(line) > 0) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		h.taken++
		if h.taken > MaxHeaderBytes {
			return nil, ErrHeaderTooLarge
		}
		if c == '\n' {
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			return line, nil
		}
		line = append(line, c)
	}
}

// requestLine splits "METHOD TARGET VERSION" at its two single spaces.
func requestLine(line []byte) (*Request, error) {
	var parts [3][]byte
	i := 0
	start := 0
	for j, c := range line {
		if c != ' ' {
			continue
		}
		if i == 2 {
			return nil, fmt.Errorf("%w: request line %q has more than three parts", ErrBadRequest, line)
		}
		parts[i] = line[start:j]
		i++
		start = j + 1
	}
	if i != 2 {
		return nil, fmt.Errorf("%w: request line %q is not METHOD TARGET VERSION", ErrBadRequest, line)
	}
	parts[2] = line[start:]
	method, target, proto := string(parts[0]), string(parts[1]), string(parts[2])
	if !token(method) {
		return nil, fmt.Errorf("%w: method %q", ErrBadRequest, method)
	}
	if target == "" {
		return nil, fmt.Errorf("%w: empty request target", ErrBadRequest)
	}
	for i := 0; i < len(target); i++ {
		if target[i] <= ' ' || target[i] == 0x7f {
			return nil, fmt.Errorf("%w: request target %q", ErrBadRequest, target)
		}
	}
	if proto != "HTTP/1.1" && proto != "HTTP/1.0" {
		return nil, fmt.Errorf("%w: version %q", ErrBadRequest, proto)
	}
	return &Request{Method: method, Target: target, Proto: proto}, nil
}

// addField parses "Name: value" into header, under the canonical name.
func addField(header http.Header, line []byte) error {
	colon := -1
	for i, c := range line {
		if c == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return fmt.Errorf("%w: header line %q has no colon", ErrBadRequest, line)
	}
	name := string(line[:colon])
	if !token(name) {
		return fmt.Errorf("%w: header name %q", ErrBadRequest, name)
	}
	value := line[colon+1:]
	for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
		value = value[:len(value)-1]
	}
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return fmt.Errorf("%w: control character in header %s", ErrBadRequest, name)
		}
	}
	key := http.CanonicalHeaderKey(name)
	header[key] = append(header[key], string(value))
	return nil
}

// body reads the body Content-Length announces, once every check passed.
func body(r *bufio.Reader, req *Request) error {
	if len(req.Header["Transfer-Encoding"]) > 0 {
		return ErrNotImplemented
	}
	lengths := req.Header["Content-Length"]
	if len(lengths) == 0 {
		return nil
	}
	for _, v := range lengths {
		if v != lengths[0] {
			return fmt.Errorf("%w: Content-Length given as %q", ErrBadRequest, lengths)
		}
	}
	v := lengths[0]
	if v == "" {
		return fmt.Errorf("%w: empty Content-Length", ErrBadRequest)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return fmt.Errorf("%w: Content-Length %q", ErrBadRequest, v)
		}
	}
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil || n > MaxBodyBytes {
		return fmt.Errorf("%w: Content-Length %s", ErrBodyTooLarge, v)
	}
	if n == 0 {
		return nil
	}
	req.Body = make([]byte, n)
	if _, err := io.ReadFull(r, req.Body); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// token reports whether s is an HTTP token.
func token(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			continue
		}
		switch c {
		case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
			continue
		}
		return false
	}
	return true
}
