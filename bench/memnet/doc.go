// Package memnet benchmarks autoroute's in-memory network against net.Pipe,
// google.golang.org/grpc/test/bufconn and loopback TCP, side by side in one
// process. See bench/README.md for the figures and the command that
// produced them.
package memnet
