package server

import (
	"context"
	"net"
	"sync"
)

// Serve is the seed's accept loop, made safe. It accepts the connections
// that arrive on ln and serves each on a goroutine of its own with handle,
// passing it ctx, and closes each connection once handle returns: a slow
// client never holds up the next one.
//
// When ctx ends, Serve closes ln (that is what wakes a blocked Accept),
// waits until every handle call has returned, and returns nil. If Accept
// fails for another reason, Serve closes ln, waits for its connections the
// same way, and returns that error, even a temporary one such as EMFILE
// (too many open files), which net/http rides out by sleeping and
// accepting again: RetryAccept, in retry.go, wraps ln with that retry. Serve owns ln: it is closed, and the
// Close has returned, by the time Serve returns.
func Serve(ctx context.Context, ln net.Listener, handle ConnHandler) error {
	// Close may be called from two goroutines: the one ctx's end starts,
	// and Serve's own on its way out. sync.OnceFunc closes once, and makes
	// the second caller wait until the first Close has returned: Accept
	// can fail before the Close that woke it is finished.
	closeListener := sync.OnceFunc(func() { ln.Close() })
	stop := context.AfterFunc(ctx, closeListener)
	defer stop()
	var conns sync.WaitGroup
	defer conns.Wait() // runs last: after ln is closed
	defer closeListener()

	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil // we closed ln: a clean stop
			}
			return err
		}
		conns.Go(func() {
			defer conn.Close()
			handle(ctx, conn)
		})
	}
}
