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

// Dir is a directory of kept binaries under the user's cache directory,
// created if needed: the module at root's own, or one that every checkout
// shares if root is "" (sub, if not "", names a part of it). A shared one
// holds one set of binaries, however many checkouts there are; a binary
// built from another checkout is relinked, as go test -c sees it is not
// current.
func Dir(root, sub string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return dirIn(filepath.Join(base, "autoroute"), root, sub)
}

// dirIn is Dir, under dir rather than the user's cache.
func dirIn(dir, root, sub string) (string, error) {
	if root != "" {
		sum := sha256.Sum256([]byte(root))
		own := filepath.Join(dir, hex.EncodeToString(sum[:6]))
		if _, err := os.Stat(own); errors.Is(err, fs.ErrNotExist) {
			// A module seen for the first time: a good moment to forget
			// those that are gone (a clone removed, a test's copy of the
			// course in a temporary directory), each hundreds of MB.
			sweep(dir)
			if err := os.MkdirAll(own, 0o700); err != nil {
				return "", err
			}
			if err := os.WriteFile(filepath.Join(own, rootFile), []byte(root), 0o600); err != nil {
				return "", err
			}
		}
		dir = own
	}
	dir = filepath.Join(dir, sub)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// rootFile, in a module's own directory, holds the module's path.
const rootFile = "root"

// legacyAge is how long a module's directory from before rootFile existed
// is kept after its last change.
const legacyAge = 7 * 24 * time.Hour

// sweep removes the modules' directories in dir whose module is gone, and
// those that do not say which module they are for and have not changed for
// legacyAge. Nothing else: the shared directories, and whatever is not
// named like a module's directory, stay.
func sweep(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !isModuleDirName(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		root, err := os.ReadFile(filepath.Join(path, rootFile))
		switch {
		case err == nil:
			if _, err := os.Stat(string(root)); !errors.Is(err, fs.ErrNotExist) {
				continue // the module is still there (or cannot be told gone)
			}
		case errors.Is(err, fs.ErrNotExist):
			if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < legacyAge {
				continue
			}
		default:
			continue
		}
		os.RemoveAll(path)
	}
}

// isModuleDirName reports whether name is a module's directory name: 12
// lower-case hexadecimal digits.
func isModuleDirName(name string) bool {
	if len(name) != 12 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil && strings.ToLower(name) == name
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
