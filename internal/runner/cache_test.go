//go:build unix

package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/kittest"
)

// A kept suite binary that is not what the runner linked (here: the same
// build ID, other bytes, which go test -c would keep as it is) is never
// run: it is removed and the suite built privately.
func TestAReplacedCachedBinaryIsNeverRun(t *testing.T) {
	kittest.Heavy(t)
	l, ctx := fixtureLesson(t, "clean")
	opts := Options{Root: fixtureRoot, Lesson: l, Solution: Learner}

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

// Kept one-off builds (Options.KeepBuilds, the self-test's) are named by
// what they replace: two replacements keep two binaries, and each run gets
// the result of its own code, however the runs alternate. A kept binary
// that is not what was linked there is never run.
func TestKeptBuildsAreNamedByWhatTheyReplace(t *testing.T) {
	kittest.Heavy(t)
	l, ctx := fixtureLesson(t, "clean")
	kept := t.TempDir()
	right, err := os.ReadFile(filepath.Join(fixtureRoot, "solutions/fxclean/work.go")) // a correct solution
	require.NoError(t, err)
	wrong := bytes.Replace(right, []byte("return 42"), []byte("return 41"), 1)
	require.NotEqual(t, right, wrong)
	run := func(content []byte) *Result {
		t.Helper()
		r, err := Run(ctx, Options{Root: fixtureRoot, Lesson: l, Solution: Stub,
			Replace: map[string][]byte{"work.go": content}, KeepBuilds: kept})
		require.NoError(t, err)
		require.Empty(t, r.BuildError)
		return r
	}
	binaries := func() []string {
		t.Helper()
		found, err := filepath.Glob(filepath.Join(kept, "*.test"))
		require.NoError(t, err)
		return found
	}

	assert.True(t, run(right).Passed(), "a correct solution, first run")
	assert.Len(t, binaries(), 1, "one build kept")
	assert.False(t, run(wrong).Passed(), "a replacement that answers 41")
	assert.Len(t, binaries(), 2, "a build kept for each replacement")
	assert.True(t, run(right).Passed(), "the correct solution again, after the other replacement")
	assert.Len(t, binaries(), 2, "the correct solution's build found again, not another one")

	// Forged in place (the same build ID, other bytes): removed, and the
	// run still gets its own code's result.
	for _, path := range binaries() {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte("forged"))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	assert.False(t, run(wrong).Passed(), "a replacement that answers 41, its kept build forged")
	assert.True(t, run(right).Passed(), "the correct solution, its kept build forged")
	for _, path := range binaries() {
		recorded, err := os.ReadFile(path + ".sha256")
		require.NoError(t, err)
		assert.Equal(t, string(recorded), hashFile(path), "%s is not what the runner linked", filepath.Base(path))
	}
}
