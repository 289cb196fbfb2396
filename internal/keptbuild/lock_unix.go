//go:build unix

package keptbuild

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func lock(path string, bound time.Duration) (release func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	unlock := func() { f.Close() } // closing the file releases the lock
	if bound <= 0 {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if err == syscall.EWOULDBLOCK {
				return nil, ErrLocked
			}
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		return unlock, nil
	}
	// flock cannot be given a deadline: it waits in a goroutine, which
	// closes the file itself if nobody waits for it any more.
	locked := make(chan error)
	abandoned := make(chan struct{})
	go func() {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		select {
		case locked <- err:
		case <-abandoned:
			f.Close() // too late: whoever waited has gone on without it
		}
	}()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case err := <-locked:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		return unlock, nil
	case <-timer.C:
		close(abandoned)
		return nil, ErrLocked
	}
}
