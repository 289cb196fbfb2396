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
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.serving.Add(1)
	}
	s.mu.Unlock()
	if closed {
		ln.Close()
		return ErrClosed
	}
	defer s.serving.Done()

	if s.cfg.MaxConns > 0 {
		ln = s.admit(ln) // idle connections make room before anyone is refused
	}
	if err := Serve(s.accepting, ln, s.connection); err != nil {
		return err
	}
	return ErrClosed
}

// connection serves conn with ServeConn while it is recorded in s.conns.
func (s *Server) connection(_ context.Context, conn net.Conn) {
	s.mu.Lock()
	late := s.closed
	if !late {
		s.conns[conn] = false
	}
	s.mu.Unlock()
	if late {
		return // accepted as Shutdown began: the accept loop closes it
	}
	s.ServeConn(s.ctx, conn)
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
}

// Shutdown stops accepting, closes the idle connections at once, lets the
// requests in flight finish until drain has passed on the server's clock,
// then closes what is left (counting the requests it cuts) and cancels the
// requests' context. It returns once every Serve has returned. A second
// Shutdown returns ErrClosed at once.
//
// The drain deadline is a context on the server's clock.
func (s *Server) Shutdown(drain time.Duration) (Report, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Report{}, ErrClosed
	}
	s.closed = true
	s.stopAccepting()
	var report Report
	busyAtStart := 0
	for conn, busy := range s.conns {
		if !busy {
			conn.Close()
			report.Idle++
		} else {
			busyAtStart++
		}
	}
	s.mu.Unlock()

	deadline, cancel := s.clock.WithTimeout(context.Background(), drain)
	defer cancel()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		s.serving.Wait()
	}()

	select {
	case <-drained:
		report.Finished = busyAtStart
		return report, nil
	case <-deadline.Done():
	}
	s.mu.Lock()
	for conn, busy := range s.conns {
		conn.Close()
		if busy {
			report.Cut++
		}
	}
	s.mu.Unlock()
	s.cancel() // after the count
	<-drained
	report.Finished = busyAtStart - report.Cut
	return report, ErrDrainTimeout
}
