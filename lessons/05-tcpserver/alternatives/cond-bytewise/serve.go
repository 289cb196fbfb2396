package server

import (
	"context"
	"net"
	"sync"
)

// Serve accepts the connections that arrive on ln and serves each on a
// goroutine of its own with handle(ctx, conn), closing each once handle
// returns. When ctx ends it closes ln, waits for every handle, and returns
// nil; if Accept fails otherwise, it closes ln, waits the same way and
// returns that error. ln is closed, and its Close has returned, by the time
// Serve returns.
func Serve(ctx context.Context, ln net.Listener, handle ConnHandler) error {
	// A goroutine watches ctx and closes ln; on the way out, Serve tells it
	// to stop and waits for it, so that a Close it began has returned.
	leaving := make(chan struct{})
	watcher := make(chan struct{})
	go func() {
		defer close(watcher)
		select {
		case <-ctx.Done():
			ln.Close()
		case <-leaving:
		}
	}()

	var (
		mu      sync.Mutex
		active  int
		drained = sync.NewCond(&mu)
	)
	var err error
	for {
		conn, aerr := ln.Accept()
		if aerr != nil {
			if ctx.Err() == nil {
				err = aerr
			}
			break
		}
		mu.Lock()
		active++
		mu.Unlock()
		go func() {
			defer func() {
				conn.Close()
				mu.Lock()
				active--
				if active == 0 {
					drained.Broadcast()
				}
				mu.Unlock()
			}()
			handle(ctx, conn)
		}()
	}

	close(leaving)
	<-watcher
	ln.Close() // a second Close after the watcher's only returns an error

	mu.Lock()
	for active > 0 {
		drained.Wait()
	}
	mu.Unlock()
	return err
}
