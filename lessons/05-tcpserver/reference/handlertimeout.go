package server

import (
	"context"
	"net/http"
	"time"

	"autoroute/fakes/clock"
)

// TimeoutHandler returns a Handler that gives h at most d, measured on clk,
// for each request. It calls h on a goroutine of its own with a context
// that ends d after the call began (or sooner, when the server's context
// ends: at Shutdown's drain deadline), and returns h's response if h
// returns before that context ends. Otherwise it answers at once, without
// waiting for h:
//
//	503 Service Unavailable, body "Service Unavailable\n", Close set
//
// 503, not 504: RFC 9110 keeps 504 Gateway Timeout for a gateway whose
// upstream did not answer in time (section 15.6.5), while 503 says this
// server cannot answer now and a retry may succeed (section 15.6.4), which
// is what an overrun is; net/http's TimeoutHandler answers 503 too. A
// handler that is a gateway may still answer 504 itself: its responses
// pass through unchanged. Close is set because h may still be running.
//
// h keeps running until it returns: Go cannot stop a goroutine, only ask
// it to stop through its context. What the timeout frees is the
// connection, and its MaxConns place; h's late response is dropped, and
// its goroutine must not block on delivering it. A panic in h becomes a
// 500 Internal Server Error with Close set, as in answer: a panic on h's
// goroutine would otherwise end the whole program. Once TimeoutHandler's
// handler has returned, no timer of its own is left armed on clk.
func TimeoutHandler(h Handler, clk clock.Clock, d time.Duration) Handler {
	return func(ctx context.Context, req *Request) Response {
		ctx, cancel := clk.WithTimeout(ctx, d)
		defer cancel()
		done := make(chan Response, 1) // h's late answer must not block its goroutine
		go func() {
			defer func() {
				if recover() != nil {
					done <- errorResponse(http.StatusInternalServerError)
				}
			}()
			done <- h(ctx, req)
		}()
		select {
		case resp := <-done:
			return resp
		case <-ctx.Done():
			return errorResponse(http.StatusServiceUnavailable)
		}
	}
}

// errorResponse is the answer the server gives for status on its own: the
// status text as the body, and the connection closed after it.
func errorResponse(status int) Response {
	return Response{Status: status, Body: []byte(http.StatusText(status) + "\n"), Close: true}
}
