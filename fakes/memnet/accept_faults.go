package memnet

import "sync"

// FailAccept makes the next n calls to Accept on l fail at once with a
// *net.OpError (Op "accept") wrapping err, the way a kernel that has run
// out of file descriptors fails accept(2). For that fault, pass
// os.NewSyscallError("accept", syscall.EMFILE): the error then says
// Temporary(), and errors.Is finds syscall.EMFILE, as with a real socket.
// Connections dialled meanwhile wait in the backlog and are accepted by
// the calls that follow. An Accept already blocked when FailAccept is
// called is not failed; a closed listener fails with net.ErrClosed first.
// A second call replaces the faults left; n <= 0 clears them.
func (l *Listener) FailAccept(n int, err error) {
	l.failures.mu.Lock()
	defer l.failures.mu.Unlock()
	l.failures.left, l.failures.err = max(n, 0), err
}

// acceptFailures counts the Accept calls FailAccept still makes fail.
type acceptFailures struct {
	mu   sync.Mutex
	left int
	err  error
}

// take returns the error the next Accept must fail with, or nil.
func (f *acceptFailures) take() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.left == 0 || f.err == nil {
		return nil
	}
	f.left--
	return f.err
}
