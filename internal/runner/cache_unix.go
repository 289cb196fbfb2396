//go:build unix

package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// cachedBinary returns where to build the suite so that the next run finds
// it: go test -c skips the link when the file it would write is already up
// to date, which saves seconds per lesson on a warm cache. The file is
// locked until release is called, so two runs of the same suite do not
// write it at the same time or run it while it is rewritten.
func cachedBinary(opts Options) (path string, release func(), err error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256([]byte(opts.Root))
	dir := filepath.Join(base, "autoroute", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("%s-%s", opts.Lesson.ID, opts.Solution)
	if !opts.Race {
		name += "-norace"
	}
	path = filepath.Join(dir, name+".test")
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		return "", nil, err
	}
	return path, func() { lock.Close() }, nil // closing releases the lock
}
