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
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return Report{}, err
	}
	if ready != nil {
		ready(ln.Addr())
	}

	// Serve runs here; the end of ctx shuts the server down from an
	// AfterFunc, which is what makes Serve return.
	type outcome struct {
		report Report
		err    error
	}
	shut := make(chan outcome, 1)
	stop := context.AfterFunc(ctx, func() {
		report, err := s.Shutdown(drain)
		shut <- outcome{report, err}
	})
	served := s.Serve(ln)
	if stop() {
		// ctx has not ended, and now never starts the shutdown: Serve
		// stopped on its own.
		report, _ := s.Shutdown(drain)
		return report, served
	}
	got := <-shut
	return got.report, got.err
}
