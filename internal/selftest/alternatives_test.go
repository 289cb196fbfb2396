package selftest_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/runner"
)

// minAlternatives is how many alternative solutions every lesson must have:
// other correct designs keep the specs honest about what "correct" means.
const minAlternatives = 2

// Every alternative is a complete package of the lesson's files, in the
// lesson's package, and not the reference under another name.
func TestAlternativesAreWholeOtherDesigns(t *testing.T) {
	t.Parallel() // one pool for the whole self-test: see main_test.go
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			names, err := l.Alternatives(root)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, len(names), minAlternatives,
				"lesson %s needs at least %d alternative solutions in %s (other correct designs: other synchronisation, other data structures)",
				l.ID, minAlternatives, l.AlternativesDir())
			want := l.Files()
			slices.Sort(want)
			for _, name := range names {
				dir := l.AlternativeDir(name)
				assert.Equal(t, want, goFiles(t, dir), "lesson %s: alternative %s should hold exactly the lesson's files", l.ID, name)
				same := true
				for _, f := range want {
					if !assert.FileExists(t, filepath.Join(root, dir, f)) {
						continue
					}
					assert.Equal(t, l.Package, packageOf(t, dir, f), "lesson %s: %s/%s is in the wrong package", l.ID, dir, f)
					same = same && read(t, dir, f) == read(t, l.ReferenceDir(), f)
				}
				assert.False(t, same, "lesson %s: alternative %s is the reference", l.ID, name)
			}
		})
	}
}

// Every alternative passes every spec under the race detector, in a
// shuffled order of its own.
func TestAlternativesPassEverySpec(t *testing.T) {
	t.Parallel() // one pool for the whole self-test: see main_test.go
	for _, l := range load(t).Lessons {
		names, err := l.Alternatives(root)
		require.NoError(t, err)
		for i, name := range names {
			t.Run(fmt.Sprintf("%s/%s", l.ID, name), func(t *testing.T) {
				t.Parallel()
				take(t, busy)
				opts, err := runner.WithAlternative(runner.Options{Root: root, Lesson: l, Race: true, Seeds: []int64{int64(11 + i)}, KeepBuilds: kept}, name)
				require.NoError(t, err)
				result, err := runner.Run(budget(t), opts)
				require.NoError(t, err)
				require.Empty(t, result.BuildError, "lesson %s: alternative %s does not build", l.ID, name)
				require.Empty(t, result.StartError, "lesson %s: alternative %s did not start", l.ID, name)
				require.NotEmpty(t, result.Specs)
				for _, s := range result.Specs {
					assert.Equal(t, runner.Passed, s.Status, "lesson %s: alternative %s fails %q (%s):\n%s",
						l.ID, name, s.FullText, s.Status, s.Message)
				}
			})
		}
	}
}
