package server

import "bufio"

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
	// TODO(tcpserver): read the head line by line (r.ReadSlice('\n') gives
	// at most a buffer's worth: count every byte against MaxHeaderBytes),
	// parse the request line and the headers, then read the body with
	// io.ReadFull once Content-Length has passed every check.
	panic("TODO(tcpserver): implement ReadRequest in solutions/server/request.go")
}
