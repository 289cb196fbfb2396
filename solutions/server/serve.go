package server

import (
	"context"
	"net"
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
	// TODO(tcpserver): loop on ln.Accept(); serve each conn on a goroutine of
	// its own (close it when handle returns); close ln when ctx ends (and
	// make sure that Close has returned: sync.OnceFunc); wait for the
	// connections before returning.
	panic("TODO(tcpserver): implement Serve in solutions/server/serve.go")
}
