package server

import (
	"context"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// framingHeaders are the headers only WriteResponse writes, in lower case.
var framingHeaders = map[string]bool{"content-length": true, "connection": true, "transfer-encoding": true}

// WriteResponse writes resp to w as HTTP/1.1, in a single Write: the
// status line with http.StatusText's reason phrase, resp.Header sorted by
// name, Content-Length counted from resp.Body, "Connection: close" if
// resp.Close, the blank line and the body. It ignores any Content-Length,
// Connection or Transfer-Encoding in resp.Header, and turns CR and LF in
// header values into spaces.
func WriteResponse(w io.Writer, resp Response) error {
	out := make([]byte, 0, 128+len(resp.Body))
	out = append(out, "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(resp.Status), 10)
	out = append(out, ' ')
	out = append(out, http.StatusText(resp.Status)...)
	out = append(out, "\r\n"...)
	for _, name := range slices.Sorted(maps.Keys(resp.Header)) {
		if framingHeaders[strings.ToLower(name)] {
			continue
		}
		for _, value := range resp.Header[name] {
			out = append(out, name...)
			out = append(out, ": "...)
			for i := 0; i < len(value); i++ {
				if c := value[i]; c == '\r' || c == '\n' {
					out = append(out, ' ')
				} else {
					out = append(out, c)
				}
			}
			out = append(out, "\r\n"...)
		}
	}
	out = append(out, "Content-Length: "...)
	out = strconv.AppendInt(out, int64(len(resp.Body)), 10)
	out = append(out, "\r\n"...)
	if resp.Close {
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "\r\n"...)
	out = append(out, resp.Body...)
	if _, err := w.Write(out); err != nil {
		return err
	}
	return nil
}

// answer calls the server's handler with req and returns its response,
// ready for WriteResponse: a panicking handler gets a 500 with Close set,
// and Close is set when the request asks for it or the server is shutting
// down.
func (s *Server) answer(ctx context.Context, req *Request) (resp Response) {
	panicked := true
	defer func() {
		if panicked {
			recover()
			resp = Response{
				Status: http.StatusInternalServerError,
				Body:   []byte("Internal Server Error\n"),
				Close:  true,
			}
		}
	}()
	resp = s.cfg.Handler(ctx, req)
	panicked = false
	if !resp.Close {
		resp.Close = req.WantsClose() || s.shuttingDown()
	}
	return resp
}
