package runner

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"autoroute/internal/keptbuild"
)

// lockBound is how long a run waits for another run's lock on a kept
// suite before it builds privately instead.
const lockBound = 30 * time.Second

// cachedBinary returns where to build the suite so that the next run finds
// it (see package keptbuild): one file per lesson and solution, which
// saves seconds per lesson on a warm cache. The file is locked until
// release is called. A lock held longer than lockBound (a run stuck, or a
// process that took it and never let go) is an error: the caller builds
// privately.
//
// grade never uses the cache (Options.PrivateBuild): a binary left there
// could have been replaced by anything running as the same user.
func cachedBinary(opts Options) (path string, release func(), err error) {
	dir, err := keptbuild.Dir(opts.Root, "")
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("%s-%s", opts.Lesson.ID, opts.Solution)
	if !opts.Race {
		name += "-norace"
	}
	path = filepath.Join(dir, name+".test")
	release, err = keptbuild.Lock(path, lockBound)
	return path, release, err
}

// keptBinary returns where to keep a one-off build of the course's own
// code (Options.KeepBuilds): a file named by everything the build differs
// by besides the module's files, which go test -c compares itself.
func keptBinary(opts Options) (path string, release func(), err error) {
	parts := [][]byte{
		[]byte(opts.Lesson.ID), []byte(opts.Solution), []byte(strconv.FormatBool(opts.Race)),
		[]byte(strconv.FormatBool(opts.TrimSpecs)), []byte(strings.Join(slices.Sorted(slices.Values(opts.Exercises)), "\x00")),
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Replace)) {
		parts = append(parts, []byte(name), opts.Replace[name])
	}
	path = filepath.Join(opts.KeepBuilds, keptbuild.Name(opts.Lesson.ID, parts...))
	release, err = keptbuild.Lock(path, lockBound)
	return path, release, err
}
