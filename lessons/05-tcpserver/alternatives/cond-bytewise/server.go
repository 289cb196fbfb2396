// Package server is the toll station of lesson 05: the seed's TCP server,
// made safe. The seed binds a listener, accepts in a loop, spawns a task per
// connection, reads once into 1024 bytes and answers "HTTP/1.1 200 OK". This
// package does the same job the way a server that faces the Internet must:
// it reads a request however it is split, refuses what is malformed or too
// big, gives every client a deadline, serves at most so many connections at
// once, and shuts down without dropping the requests in flight.
//
// This file and conn.go are given: the types every exercise shares and the
// loop that serves one connection with the functions you write. The
// exercises are in the other files, one file each.
//
// This is an alternative solution, kept beside the reference so that the
// specs accept more than one correct design: the accept loop counts its
// connections under a mutex and waits on a sync.Cond, with a goroutine of
// its own watching the context; requests are parsed a byte at a time; the
// limit is a counter under a mutex; the drain deadline is an AfterFunc on
// the server's clock that cuts what is left; ListenAndServe shuts down from
// an AfterFunc on its context.
package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// What a request may cost the server, whatever the client announces.
const (
	// MaxHeaderBytes is the most a request head may take: the request
	// line, the header lines and the blank line, line ends included. A
	// bigger head is refused with ErrHeaderTooLarge (431).
	MaxHeaderBytes = 8 << 10
	// MaxBodyBytes is the largest body a request may announce with
	// Content-Length. A bigger one is refused with ErrBodyTooLarge (413),
	// before a single byte of it is read.
	MaxBodyBytes = 64 << 10
	// RefuseTimeout is how long Limit may spend writing its 503 to a
	// client over the limit, on the accepting goroutine.
	RefuseTimeout = time.Second
)

// Defaults for the zero values of Config's timeouts.
const (
	DefaultHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout   = 60 * time.Second
	DefaultWriteTimeout  = 10 * time.Second
)

// Errors ReadRequest returns for requests it refuses; StatusOf says how
// ServeConn answers each. Compare with errors.Is: ReadRequest may wrap them
// with details.
var (
	ErrBadRequest     = errors.New("server: malformed request")                        // 400 Bad Request
	ErrHeaderTooLarge = errors.New("server: request head larger than MaxHeaderBytes")  // 431 Request Header Fields Too Large
	ErrBodyTooLarge   = errors.New("server: request body larger than MaxBodyBytes")    // 413 Content Too Large
	ErrNotImplemented = errors.New("server: transfer codings are not implemented")     // 501 Not Implemented
	ErrClosed         = errors.New("server: shut down")                                // Serve and Shutdown after Shutdown
	ErrDrainTimeout   = errors.New("server: drain deadline passed, requests were cut") // Shutdown had to cut requests
)

// StatusOf is the status code ServeConn answers a request that
// ReadRequest refused with err: 400, 431, 413 or 501. It is 0 when there is
// nobody left to answer: the client closed or reset the connection, or a
// deadline passed.
func StatusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrHeaderTooLarge):
		return http.StatusRequestHeaderFieldsTooLarge
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrNotImplemented):
		return http.StatusNotImplemented
	}
	return 0
}

// Request is an HTTP/1.1 request, as ReadRequest read it.
type Request struct {
	Method string      // "GET", "POST"...
	Target string      // as the client sent it: "/path?query"
	Proto  string      // "HTTP/1.1" or "HTTP/1.0"
	Header http.Header // the header fields, under canonical keys ("Content-Length")
	Body   []byte      // exactly Content-Length bytes; nil when the request has no body
}

// WantsClose reports whether the client asked to close the connection
// after this request: an HTTP/1.0 request, or "Connection: close".
func (r *Request) WantsClose() bool {
	if r.Proto == "HTTP/1.0" {
		return true
	}
	for _, v := range r.Header.Values("Connection") {
		for token := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "close") {
				return true
			}
		}
	}
	return false
}

// Response is what a Handler answers.
type Response struct {
	Status int         // 200, 404...
	Header http.Header // extra header fields; WriteResponse writes Content-Length and Connection itself
	Body   []byte
	Close  bool // close the connection after this response ("Connection: close")
}

// Handler answers one request. Its context ends when the server gives up
// on the request: at Shutdown's drain deadline.
type Handler func(ctx context.Context, req *Request) Response

// ConnHandler serves one connection. Serve calls it on a goroutine of its
// own, and closes conn when it returns.
type ConnHandler func(ctx context.Context, conn net.Conn)

// Config says how the server answers and what it allows.
type Config struct {
	// Handler answers the requests. Nil answers 404 Not Found to all.
	Handler Handler
	// Clock runs the deadlines. Nil means clock.Real().
	Clock clock.Clock
	// HeaderTimeout is how long a client has to send a whole request once
	// the server waits for it: head and body. Zero means
	// DefaultHeaderTimeout. Despite its name, it is net/http's ReadTimeout,
	// not its ReadHeaderTimeout (which covers the head only).
	HeaderTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request to begin. Zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// WriteTimeout is how long writing one response may take. Zero means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
	// MaxConns is how many connections Serve serves at once. At the
	// limit, a new client takes the place of an idle kept-alive
	// connection, which is closed; with none idle, it is refused with a
	// 503 (see Pool, and admit.go). Zero means no limit.
	MaxConns int
	// MaxRequestsPerConn is how many requests one connection may send:
	// the answer to the last says "Connection: close" (see KeepAlive).
	// Zero means no limit.
	MaxRequestsPerConn int
	// MaxConnAge is how long a connection may stay open, on Clock: the
	// first answer once it is that old says "Connection: close", and no
	// request is cut for it (see KeepAlive). Zero means no limit.
	MaxConnAge time.Duration
}

// Report says what Shutdown did with the connections it found open.
type Report struct {
	Idle     int // waiting for a request: closed at once
	Finished int // serving a request that finished before the drain deadline
	Cut      int // still serving a request at the deadline: its context cancelled, its connection closed
}

// Server serves HTTP/1.1 on the listeners it is given. Make one with New,
// start it with Serve, stop it with Shutdown.
type Server struct {
	cfg   Config
	clock clock.Clock

	ctx    context.Context    // the context of every request
	cancel context.CancelFunc // ends ctx: the drain deadline passed

	accepting     context.Context    // the accept loops run until it ends
	stopAccepting context.CancelFunc // ends accepting: Shutdown started

	serving sync.WaitGroup // Serve calls still running, each until its connections are done

	mu     sync.Mutex
	closed bool              // Shutdown has started
	conns  map[net.Conn]bool // the open connections, true while one serves a request

	pool *Pool // the places under MaxConns; nil when there is no limit
}

// New returns a server with cfg's zero values replaced by the defaults.
func New(cfg Config) *Server {
	if cfg.Handler == nil {
		cfg.Handler = func(context.Context, *Request) Response {
			return Response{Status: http.StatusNotFound, Body: []byte("404 page not found\n")}
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	s := &Server{cfg: cfg, clock: cfg.Clock, conns: make(map[net.Conn]bool)}
	if cfg.MaxConns > 0 {
		s.pool = NewPool(cfg.MaxConns)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.accepting, s.stopAccepting = context.WithCancel(context.Background())
	return s
}
