package server

import (
	"context"
	"net"
	"time"
)

// ListenAndServe listens on addr on the real network, tells ready the
// address it got, serves with s until ctx ends, then shuts s down with
// drain and returns Shutdown's report and error. If it cannot listen, it
// returns that error without calling ready; if Serve stops on its own, it
// shuts down and returns Serve's error.
func ListenAndServe(ctx context.Context, addr string, s *Server, drain time.Duration, ready func(net.Addr)) (Report, error) {
	lc := net.ListenConfig{}
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return Report{}, err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	var serveErr error
	served := make(chan struct{}) // closed once serveErr is set
	go func() {
		defer close(served)
		serveErr = s.Serve(ln)
	}()
	select {
	case <-ctx.Done():
		report, err := s.Shutdown(drain)
		<-served
		return report, err
	case <-served:
		report, _ := s.Shutdown(drain)
		return report, serveErr
	}
}
