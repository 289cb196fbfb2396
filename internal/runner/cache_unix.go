//go:build unix

package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockBound is how long a run waits for another run's lock on a cached
// suite before it builds privately instead.
const lockBound = 30 * time.Second

// cachedBinary returns where to build the suite so that the next run finds
// it: go test -c skips the link when the file it would write is already up
// to date, which saves seconds per lesson on a warm cache. The file is
// locked until release is called, so two runs of the same suite do not
// write it at the same time or run it while it is rewritten. A lock held
// longer than lockBound (a run stuck, or a process that took it and never
// let go) is an error: the caller builds privately.
//
// grade never uses the cache (Options.PrivateBuild): a binary left there
// could have been replaced by anything running as the same user.
func cachedBinary(opts Options) (path string, release func(), err error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256([]byte(opts.Root))
	dir := filepath.Join(base, "autoroute", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("%s-%s", opts.Lesson.ID, opts.Solution)
	if !opts.Race {
		name += "-norace"
	}
	path = filepath.Join(dir, name+".test")
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", nil, err
	}
	locked := make(chan error)
	abandoned := make(chan struct{})
	go func() {
		err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
		select {
		case locked <- err:
		case <-abandoned:
			lock.Close() // too late: whoever waited has gone on without it
		}
	}()
	bound := time.NewTimer(lockBound)
	defer bound.Stop()
	select {
	case err := <-locked:
		if err != nil {
			lock.Close()
			return "", nil, err
		}
		return path, func() { lock.Close() }, nil // closing releases the lock
	case <-bound.C:
		close(abandoned)
		return "", nil, errors.New("the binary cache is locked by another run")
	}
}
