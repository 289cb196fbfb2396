package server

import (
	"net"
	"time"
)

// Serve serves the connections that arrive on ln with ServeConn, at most
// s.cfg.MaxConns at once if it is set, until Shutdown: wrap ln with
// s.admit (admit.go), which refuses a client with Limit's 503 only when
// no idle connection could be closed to make room for it. It
// returns ErrClosed once Shutdown has stopped it and its connections are
// done, or the error that stopped it otherwise; after Shutdown it closes ln
// and returns ErrClosed at once. Each connection's requests get the
// server's request context, which ends at Shutdown's drain deadline.
func (s *Server) Serve(ln net.Listener) error {
	// TODO(tcpserver): under s.mu, refuse if s.closed, else s.serving.Add(1);
	// run the package's Serve on s.accepting with a handler that records
	// the connection in s.conns while s.ServeConn(s.ctx, conn) serves it.
	panic("TODO(tcpserver): implement Server.Serve in solutions/server/shutdown.go")
}

// Shutdown stops the server gracefully. It drains like net/http's
// Server.Shutdown, then, at the deadline, cuts like Server.Close (net/http's
// Shutdown only stops waiting when its context ends, and leaves the
// requests running):
//
//  1. it stops accepting: every Serve closes its listener;
//  2. it closes at once the connections that are not serving a request;
//  3. it lets the requests in flight finish (their connections close after
//     the response) until drain has passed on the server's clock;
//  4. then it closes what is left, counting the requests it cuts, and
//     cancels the requests' context;
//  5. it returns once every Serve has returned, so once every connection
//     is done, with a Report of what it did: nil if every request finished
//     in time, ErrDrainTimeout if it had to cut some.
//
// A second Shutdown returns ErrClosed at once.
func (s *Server) Shutdown(drain time.Duration) (Report, error) {
	// TODO(tcpserver): set s.closed, s.stopAccepting(), close the idle
	// connections; wait for s.serving or a drain timer on s.clock; at the
	// deadline, close the rest and count them (under s.mu), then s.cancel(),
	// then still wait.
	panic("TODO(tcpserver): implement Shutdown in solutions/server/shutdown.go")
}
