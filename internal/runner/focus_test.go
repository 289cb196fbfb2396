package runner

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/kittest"
	"autoroute/internal/wire"
)

// Options.Specs selects specs by their It text, as written: Ginkgo's focus
// is a regexp, and specs' texts hold its metacharacters. (It matches the
// end of a spec's full text: a spec whose text ends with " refuses" is
// selected by "refuses" too. The self-test, which runs one spec by name,
// reads the result of the spec of that name.)
func TestSpecsAreFocusedByTheirWholeItText(t *testing.T) {
	opts := Options{Exercises: []string{"lanes"}, Specs: []string{"waits (on the clock) for 1s+", "refuses"}}
	args := runArgs(opts, 3, "", "")
	i := slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "-ginkgo.focus=") })
	require.GreaterOrEqual(t, i, 0, "no focus in %v", args)
	focus := strings.TrimPrefix(args[i], "-ginkgo.focus=")
	assert.Equal(t, []string{focus}, expectedConfig(opts, 3, "").Focus, "the harness must report the focus asked for")
	assert.Contains(t, opts.filters(), args[i], "a dry run must list the same specs")

	re := regexp.MustCompile(focus)
	for text, want := range map[string]bool{
		"lanes waits (on the clock) for 1s+":       true,
		"lanes refuses":                            true,
		"refuses":                                  true,
		"lanes waits (on the clock) for 1s+ again": false,
		"lanes waits on the clock for 1s":          false,
	} {
		assert.Equal(t, want, re.MatchString(text), "focus %q on %q", focus, text)
	}

	none := runArgs(Options{Exercises: []string{"lanes"}}, 3, "", "")
	assert.False(t, slices.ContainsFunc(none, func(a string) bool { return strings.HasPrefix(a, "-ginkgo.focus") }),
		"without Specs, no focus: Ginkgo would keep an empty one as a pattern")
	assert.Equal(t, wire.SuiteConfig{LabelFilter: "lanes", Seed: 3, RandomizeAll: true, ParallelTotal: 1}, expectedConfig(Options{Exercises: []string{"lanes"}}, 3, ""))
}

// A run limited to one spec runs and reports that spec only: the spec of
// the deadlock fixture that blocks is never started.
func TestARunLimitedToOneSpecRunsOnlyThatSpec(t *testing.T) {
	kittest.Heavy(t)
	l, ctx := fixtureLesson(t, "deadlock")
	for _, solution := range []Solution{Learner, Stub} { // the learner's code lists its specs from the stubs' build
		result, err := Run(ctx, Options{Root: fixtureRoot, Lesson: l, Solution: solution, Specs: []string{"answers after"}})
		require.NoError(t, err)
		require.Empty(t, result.BuildError)
		require.Len(t, result.Specs, 1, "%s: %+v", solution, result.Specs)
		assert.Equal(t, "answers after", result.Specs[0].Name, solution)
		assert.Equal(t, 1, result.Processes, solution)
		if solution == Learner {
			assert.Equal(t, Passed, result.Specs[0].Status, result.Specs[0].Message)
		}
	}
}
