package server

import (
	"context"
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
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.serving.Add(1)
	s.mu.Unlock()
	defer s.serving.Done()

	if s.cfg.MaxConns > 0 {
		ln = s.admit(ln) // idle connections make room before anyone is refused
	}
	if err := Serve(s.accepting, ln, s.serveConn); err != nil {
		return err
	}
	return ErrClosed
}

// serveConn records conn among the open connections while ServeConn
// serves it, so that Shutdown can find it.
func (s *Server) serveConn(_ context.Context, conn net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return // accepted as Shutdown began: Serve closes it
	}
	s.conns[conn] = false
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
	}()
	s.ServeConn(s.ctx, conn)
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
	var report Report
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return report, ErrClosed
	}
	s.closed = true
	s.stopAccepting()
	inFlight := 0
	for conn, busy := range s.conns {
		if busy {
			inFlight++
		} else {
			conn.Close()
			report.Idle++
		}
	}
	s.mu.Unlock()

	drained := make(chan struct{})
	go func() {
		s.serving.Wait()
		close(drained)
	}()
	deadline := s.clock.NewTimer(drain)
	defer deadline.Stop()
	select {
	case <-drained:
		report.Finished = inFlight
		return report, nil
	case <-deadline.C:
	}

	s.mu.Lock()
	for conn, busy := range s.conns {
		if busy {
			report.Cut++
		}
		conn.Close()
	}
	s.mu.Unlock()
	s.cancel() // after counting: a request that ends now was still cut
	<-drained
	report.Finished = inFlight - report.Cut
	return report, ErrDrainTimeout
}
