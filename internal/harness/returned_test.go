package harness_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/harness"
	"autoroute/internal/runner"
)

// A spec that waits in vain while none of the learner's code is blocked
// (it returned without closing what the spec waits on) names the learner's
// function it called, at the line that declares it in the code that ran
// (testdata/course/specs/returned).
func TestAWaitInVainNamesTheLearnersFunctionThatReturned(t *testing.T) {
	out, code := harness.FixtureGoTest(t, "returned", false, []string{"NO_COLOR=1"})
	assert.Equal(t, 1, code, "%s", out)
	for _, want := range []string{
		"None of your code is blocked: it returned without doing what the spec waited for (done to be closed, the work being over).",
		"  - the spec's call fxreturned.Start(done) returned: fxreturned.Start, at " +
			"internal/harness/testdata/course/solutions/fxreturned/finish.go:7.",
		"That function, or a goroutine it started, had to make it happen",
		`(Read lessons/returned/README.md, section "finish".)`,
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "<root>/", "no absolute path")

	// Through the grader, with the learner's file swapped for another
	// (an overlay): the line is the one of the code that ran.
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("returned")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	moved := "package fxreturned\n\n\n\n\n\n\n// Start forgets done.\nfunc Start(done chan struct{}) {\n\tgo func() {}()\n}\n"
	result, err := runner.Run(ctx, runner.Options{Root: fixtures, Lesson: l, Seeds: []int64{1},
		Replace: map[string][]byte{"finish.go": []byte(moved)}})
	require.NoError(t, err)
	require.Len(t, result.Specs, 1)
	s := result.Specs[0]
	assert.Equal(t, runner.TimedOut, s.Status, s.Message)
	assert.Contains(t, s.Message, "the spec's call fxreturned.Start(done) returned: fxreturned.Start, at "+
		"internal/harness/testdata/course/solutions/fxreturned/finish.go:9.")
	assert.Contains(t, s.Message, `section "finish"`)
}
