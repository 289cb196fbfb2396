// Package keptbuild keeps built test binaries between runs.
//
// go test -c leaves alone a target whose build ID is already current: it
// only touches its modification time. A suite built again into the same
// file therefore costs no link when nothing it is built from changed, and
// the link of a suite is about half of its build. A kept binary is locked
// while it is built and run, so that two processes never write it at once,
// or run it while it is rewritten.
package keptbuild

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Dir is the directory of the binaries kept for the module at root, under
// the user's cache directory (sub, if not "", names a part of it of its
// own). It is created if needed.
func Dir(root, sub string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(base, "autoroute", hex.EncodeToString(sum[:6]), sub)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// Name is the file name of a kept binary built from what parts describe
// (its flags, the files it replaces and their content), readable by its
// prefix: the same parts give the same name, other parts another one.
func Name(prefix string, parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		// Each part's length first, so that no two lists of parts write
		// the same bytes.
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(p))))
		h.Write(p)
	}
	return prefix + "-" + hex.EncodeToString(h.Sum(nil)[:10]) + ".test"
}

// ErrLocked is returned by Lock when another process holds the lock longer
// than the bound.
var ErrLocked = errors.New("the kept binary is locked by another run")

// Lock takes the lock of the kept binary at path (the file path.lock),
// waiting at most bound for another process to release it (not at all if
// bound is 0); release gives it back. Where there is no file locking (see
// lock_other.go), it fails: the caller builds privately.
func Lock(path string, bound time.Duration) (release func(), err error) {
	return lock(path, bound)
}

// Prune removes from dir the kept binaries, and the files kept beside them,
// that were last built or used before t: go test -c touches a kept target
// it finds current, so a binary a run used is at least as recent as the
// run. A binary that is locked (in use by a run) is left alone.
func Prune(dir string, t time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".test") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(t) {
			continue
		}
		path := filepath.Join(dir, name)
		release, err := Lock(path, 0)
		if err != nil {
			continue
		}
		// The lock file goes too, while it is held: a run that opened it
		// and waits would then build beside one that creates it anew, but
		// a run does not wait on a binary no run has used for a while.
		for _, f := range []string{path, path + ".sha256", path + ".lock"} {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		release()
	}
	return errors.Join(errs...)
}
