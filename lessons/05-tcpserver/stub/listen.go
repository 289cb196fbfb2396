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
	// TODO(tcpserver): listen, call ready, run s.Serve on a goroutine, wait
	// for ctx to end (or Serve to fail), then s.Shutdown(drain).
	panic("TODO(tcpserver): implement ListenAndServe in solutions/server/listen.go")
}
