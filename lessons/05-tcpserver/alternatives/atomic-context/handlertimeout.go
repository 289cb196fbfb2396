package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// TimeoutHandler gives h at most d on clk per request: h runs on a
// goroutine of its own with a context that ends at the deadline (or with
// the server's), and an overrun is answered 503 Service Unavailable with
// Close set, at once; a panic in h becomes a 500 with Close set.
//
// This design sets an absolute deadline (clk.WithDeadline) and hands the
// result over in a mutex-guarded slot that the goroutine fills before it
// closes a channel: nothing is ever sent, so nothing can block.
func TimeoutHandler(h Handler, clk clock.Clock, d time.Duration) Handler {
	return func(parent context.Context, req *Request) Response {
		ctx, cancel := clk.WithDeadline(parent, clk.Now().Add(d))
		defer cancel()
		var (
			mu       sync.Mutex
			result   Response
			finished = make(chan struct{})
		)
		go func() {
			defer close(finished)
			resp, err := callRecovering(ctx, h, req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				result = Response{Status: http.StatusInternalServerError, Body: []byte("Internal Server Error\n"), Close: true}
				return
			}
			result = resp
		}()
		select {
		case <-finished:
			mu.Lock()
			defer mu.Unlock()
			return result
		case <-ctx.Done():
			return Response{Status: http.StatusServiceUnavailable, Body: []byte("Service Unavailable\n"), Close: true}
		}
	}
}

// callRecovering calls h and turns a panic into an error.
func callRecovering(ctx context.Context, h Handler, req *Request) (resp Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h(ctx, req), nil
}
