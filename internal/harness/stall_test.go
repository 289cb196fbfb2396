package harness_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/harness"
	"autoroute/internal/runner"
)

// A spec whose function takes no SpecContext has no time limit: when it
// blocks, the harness still stops it, past the spec's timeout, saying where
// the learner's code is stuck and which section to read
// (testdata/course/specs/stall).
func TestASpecWithoutAContextThatBlocksIsStopped(t *testing.T) {
	out, code := harness.FixtureGoTest(t, "stall", false, []string{"NO_COLOR=1"})
	assert.Equal(t, 1, code, "%s", out)
	for _, want := range []string{
		"wait_test.go:12: wait waits for a signal that never comes\nTimed out: ",
		"its function takes no SpecContext, so it has no time limit",
		"at internal/harness/testdata/course/solutions/fxstall/wait.go:7.",
		`(Read lessons/stall/README.md, section "wait".)`,
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "<root>/", "no absolute path")

	// The grader reads it as a timed-out spec.
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("stall")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	result, err := runner.Run(ctx, runner.Options{Root: fixtures, Lesson: l, Seeds: []int64{1}})
	require.NoError(t, err)
	require.Len(t, result.Specs, 1)
	s := result.Specs[0]
	assert.Equal(t, runner.TimedOut, s.Status, s.Message)
	assert.True(t, strings.Contains(s.Message, "solutions/fxstall/wait.go:7"), s.Message)
	assert.Contains(t, s.Message, `section "wait"`)
}
