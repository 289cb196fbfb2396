package memnet

import (
	"context"
	"os"
	"syscall"
)

// The errors TCP reports, in the *os.SyscallError form the net package
// wraps in a *net.OpError, so errors.Is(err, syscall.ECONNRESET) holds and
// the message reads "read tcp 127.0.0.1:32768->127.0.0.1:8080: read:
// connection reset by peer", as on a real socket.
var (
	errReadReset  error = os.NewSyscallError("read", syscall.ECONNRESET)
	errWriteReset error = os.NewSyscallError("write", syscall.ECONNRESET)
	errBrokenPipe error = os.NewSyscallError("write", syscall.EPIPE)
	errRefused    error = os.NewSyscallError("connect", syscall.ECONNREFUSED)
	errAddrInUse  error = os.NewSyscallError("bind", syscall.EADDRINUSE)
	errNoPorts    error = os.NewSyscallError("bind", syscall.EADDRNOTAVAIL)
)

// contextError maps a context's error to the one the net package reports
// for a dial: "operation was canceled" or "i/o timeout", still matching
// context.Canceled or context.DeadlineExceeded with errors.Is.
func contextError(err error) error {
	switch err {
	case context.Canceled:
		return canceledError{}
	case context.DeadlineExceeded:
		return dialTimeoutError{}
	}
	return err
}

type canceledError struct{}

func (canceledError) Error() string        { return "operation was canceled" }
func (canceledError) Is(target error) bool { return target == context.Canceled }

type dialTimeoutError struct{}

func (dialTimeoutError) Error() string   { return "i/o timeout" }
func (dialTimeoutError) Timeout() bool   { return true }
func (dialTimeoutError) Temporary() bool { return true }
func (dialTimeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded || target == os.ErrDeadlineExceeded
}
