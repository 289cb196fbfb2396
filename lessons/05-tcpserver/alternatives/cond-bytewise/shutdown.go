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
// and returns ErrClosed at once.
func (s *Server) Serve(ln net.Listener) error {
	if !s.register() {
		ln.Close()
		return ErrClosed
	}
	defer s.serving.Done()
	if s.cfg.MaxConns > 0 {
		ln = s.admit(ln) // idle connections make room before anyone is refused
	}
	err := Serve(s.accepting, ln, func(_ context.Context, conn net.Conn) {
		if !s.track(conn) {
			return // Shutdown has begun: Serve closes conn
		}
		defer s.untrack(conn)
		s.ServeConn(s.ctx, conn)
	})
	if err != nil {
		return err
	}
	return ErrClosed
}

// register counts a Serve in s.serving, unless Shutdown has begun.
func (s *Server) register() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.serving.Add(1)
	return true
}

// track records conn as open and idle, unless Shutdown has begun.
func (s *Server) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[conn] = false
	return true
}

func (s *Server) untrack(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
}

// Shutdown stops accepting, closes the idle connections at once, lets the
// requests in flight finish until drain has passed on the server's clock,
// then closes what is left (counting the requests it cuts) and cancels the
// requests' context. It returns once every Serve has returned. A second
// Shutdown returns ErrClosed at once.
//
// The deadline is an AfterFunc on the server's clock: if it fires, it cuts
// on the clock's goroutine while Shutdown keeps waiting for the Serves.
func (s *Server) Shutdown(drain time.Duration) (Report, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Report{}, ErrClosed
	}
	s.closed = true
	s.stopAccepting()
	idle, inFlight := 0, 0
	for conn, busy := range s.conns {
		if busy {
			inFlight++
			continue
		}
		conn.Close()
		idle++
	}
	s.mu.Unlock()

	cut := 0
	cutDone := make(chan struct{})
	deadline := s.clock.AfterFunc(drain, func() {
		defer close(cutDone)
		s.mu.Lock()
		for conn, busy := range s.conns {
			if busy {
				cut++
			}
			conn.Close()
		}
		s.mu.Unlock()
		s.cancel() // counted first: a request that ends now was cut all the same
	})
	s.serving.Wait()
	if deadline.Stop() {
		return Report{Idle: idle, Finished: inFlight}, nil
	}
	<-cutDone
	report := Report{Idle: idle, Finished: inFlight - cut, Cut: cut}
	if cut == 0 {
		return report, nil // the deadline came as the last request ended: nothing was cut
	}
	return report, ErrDrainTimeout
}
