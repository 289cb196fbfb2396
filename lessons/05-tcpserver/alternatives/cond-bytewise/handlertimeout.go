package server

import (
	"context"
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
// This design waits on a sync.Cond: h's goroutine and context.AfterFunc
// (which runs when the request's context ends) each record their fact
// under the mutex and wake the waiter, which answers with the first.
func TimeoutHandler(h Handler, clk clock.Clock, d time.Duration) Handler {
	return func(parent context.Context, req *Request) Response {
		ctx, cancel := clk.WithTimeout(parent, d)
		defer cancel()
		var (
			mu       sync.Mutex
			cond     = sync.NewCond(&mu)
			answered bool
			resp     Response
			expired  bool
		)
		finish := func(r Response) {
			mu.Lock()
			if !answered {
				answered, resp = true, r
			}
			mu.Unlock()
			cond.Broadcast()
		}
		go func() {
			defer func() {
				if recover() != nil {
					finish(Response{Status: http.StatusInternalServerError, Body: []byte(http.StatusText(http.StatusInternalServerError) + "\n"), Close: true})
				}
			}()
			finish(h(ctx, req))
		}()
		stop := context.AfterFunc(ctx, func() {
			mu.Lock()
			expired = true
			mu.Unlock()
			cond.Broadcast()
		})
		defer stop()
		mu.Lock()
		defer mu.Unlock()
		for !answered && !expired {
			cond.Wait()
		}
		if answered {
			return resp
		}
		return Response{Status: http.StatusServiceUnavailable, Body: []byte(http.StatusText(http.StatusServiceUnavailable) + "\n"), Close: true}
	}
}
