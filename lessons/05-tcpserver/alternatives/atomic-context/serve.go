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
	var once sync.Once // Do makes a second caller wait for the first Close
	closeLn := func() { once.Do(func() { ln.Close() }) }
	stop := context.AfterFunc(ctx, closeLn)

	var wg sync.WaitGroup
	var err error
	for {
		conn, aerr := ln.Accept()
		if aerr != nil {
			if ctx.Err() == nil {
				err = aerr
			}
			break
		}
		wg.Add(1) // before the goroutine starts: Wait below must see it
		go serveOne(ctx, conn, handle, &wg)
	}
	stop()
	closeLn()
	wg.Wait()
	return err
}

func serveOne(ctx context.Context, conn net.Conn, handle ConnHandler, wg *sync.WaitGroup) {
	defer wg.Done()
	defer conn.Close()
	handle(ctx, conn)
}
