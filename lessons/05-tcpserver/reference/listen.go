package server

import (
	"context"
	"net"
	"time"
)

// ListenAndServe is the seed's main, made safe. It listens on addr on the
// real network (TCP, with net.ListenConfig and ctx), tells ready the
// address it got (useful with port 0), serves with s until ctx ends, then
// shuts s down with drain and returns Shutdown's report and error. If it
// cannot listen, it returns that error without calling ready; if Serve
// stops on its own, it shuts down and returns Serve's error.
func ListenAndServe(ctx context.Context, addr string, s *Server, drain time.Duration, ready func(net.Addr)) (Report, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return Report{}, err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()

	select {
	case <-ctx.Done():
		report, err := s.Shutdown(drain)
		<-served
		return report, err
	case err := <-served:
		report, _ := s.Shutdown(drain)
		return report, err
	}
}
