//go:build unix

package runner

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/kittest"
)

// A kept suite binary that is not what the runner linked (here: the same
// build ID, other bytes, which go test -c would keep as it is) is never
// run: it is removed and the suite built privately.
func TestAReplacedCachedBinaryIsNeverRun(t *testing.T) {
	kittest.Heavy(t)
	c, err := course.Load("../grader/testdata/course")
	require.NoError(t, err)
	l, err := c.Lesson("clean")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a safety net
	defer cancel()
	opts := Options{Root: "../grader/testdata/course", Lesson: l, Solution: Learner}

	first, err := Run(ctx, opts)
	require.NoError(t, err)
	require.True(t, first.Passed(), "%+v", first)

	abs := opts
	abs.Root, err = absRoot(opts.Root)
	require.NoError(t, err)
	abs.Solution = Learner
	path, release, err := cachedBinary(abs)
	require.NoError(t, err)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte("forged"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	forged := hashFile(path)
	release()

	second, err := Run(ctx, opts)
	require.NoError(t, err)
	assert.True(t, second.Passed(), "%+v", second)
	assert.NotEqual(t, forged, hashFile(path), "the forged binary is still in the cache")

	// A script in its place, which go test -c would refuse to overwrite
	// ("not an object file"): removed too, and the lesson still graded.
	path, release, err = cachedBinary(abs)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\necho forged\n"), 0o755))
	release()
	third, err := Run(ctx, opts)
	require.NoError(t, err)
	assert.True(t, third.Passed(), "%+v", third)
}
