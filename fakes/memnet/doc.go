// Package memnet is an in-memory network that behaves like TCP on loopback,
// for tests that need a server and its clients without real sockets.
//
// Each test makes its own Network with New; nothing is global. A Network
// hands out listeners and connections whose addresses are *net.TCPAddr and
// whose errors are the ones TCP returns, so the code under test cannot tell
// the difference:
//
//   - Listen picks a free port for ":0", and a second Listen on a taken
//     address fails with EADDRINUSE; Accept on a closed listener fails with
//     net.ErrClosed. Ports are handed out in order from 32768, so a test
//     sees the same addresses on every run.
//   - Dial with nobody listening fails with ECONNREFUSED; DialContext honours
//     its context.
//   - Read and Write fail with a *net.OpError wrapping net.ErrClosed,
//     os.ErrDeadlineExceeded, ECONNRESET or EPIPE; the end of the stream is a
//     bare io.EOF, returned once the peer's buffered bytes have been read.
//   - Each direction of a connection has a window (64 KiB unless WithWindow
//     says otherwise): a writer blocks once the reader is that far behind. A
//     window of 0 makes every Write wait for a Read, like net.Pipe.
//   - CloseWrite and CloseRead half-close a connection, like *net.TCPConn.
//   - Close is graceful unless the Network is made WithUnreadReset: then,
//     as on Linux, closing with the peer's bytes still unread is a reset,
//     which destroys what the peer had not read yet.
//   - A Write is atomic with respect to other Writes on the same Conn, even
//     when it is larger than the window.
//
// Deadlines run on the Network's clock (WithClock). With a *clock.Fake a
// read deadline of 5s fires when the test advances the clock past 5s, never
// because the machine was slow: setting a deadline arms a timer on the clock,
// so a test can wait for it with WaitForTimer and then Advance. A deadline is
// checked before any other work, so a deadline in the past fails the call at
// once even if data is waiting.
//
// Tests can also inject the faults real networks have: a reset (Conn.Reset),
// a stalled direction, reads that return a few bytes at a time, writes that
// fail part-way and latency in virtual time; see Stream.
//
// The package starts no goroutines of its own: every wait happens on the
// goroutine that called Read, Write, Accept or Dial, and is ended by a peer,
// a Close or a clock timer.
package memnet
