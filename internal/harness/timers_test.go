package harness_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/kittest"
	"autoroute/internal/runner"
)

// fixtures is a course whose learner code arms timers on a fake clock and
// forgets some of them (internal/harness/testdata/course).
const fixtures = "testdata/course"

func runTimers(t *testing.T, replace map[string][]byte) map[string]runner.Spec {
	t.Helper()
	kittest.Heavy(t) // it builds and runs a suite
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("timers")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	result, err := runner.Run(ctx, runner.Options{Root: fixtures, Lesson: l, Replace: replace, Seeds: []int64{1}})
	require.NoError(t, err)
	require.Empty(t, result.BuildError)
	specs := map[string]runner.Spec{}
	for _, s := range result.Specs {
		specs[s.Name] = s
	}
	return specs
}

func TestTimersLeftArmedByLearnerCodeFailTheSpec(t *testing.T) {
	specs := runTimers(t, nil)
	for name, want := range map[string]string{
		"forgets a ticker": "ticker of 1s (every 1s), armed at internal/harness/testdata/course/solutions/fxtimers/work.go:20",
		"forgets a cancel": "context deadline of 1m0s, armed at internal/harness/testdata/course/solutions/fxtimers/work.go:25",
		"names the line that set a deadline on a connection left open": "AfterFunc of 1m0s, armed at internal/harness/testdata/course/solutions/fxtimers/work.go:43",
	} {
		s, ok := specs[name]
		require.True(t, ok, "no spec %q", name)
		assert.Equal(t, runner.Leaked, s.Status, "%s: %s", name, s.Message)
		assert.Contains(t, s.Message, want, name)
		assert.Contains(t, s.Message, `section "work"`, name)
	}
	// A spec that failed keeps its own reason, whatever it left armed.
	failed := specs["fails, then leaves a ticker armed: the failure is the verdict"]
	assert.Equal(t, runner.Failed, failed.Status, failed.Message)
	assert.Contains(t, failed.Message, "the value returned was wrong")
	assert.NotContains(t, failed.Message, "ticker")
	assert.Contains(t, specs["forgets a ticker"].Message, "ticker.Stop()")
	assert.Contains(t, specs["forgets a cancel"].Message, "defer cancel()")
	for _, name := range []string{
		"stops its timer",
		"stops its timer on a goroutine that ends after it returned",
		"may leave a ticker when the spec allows it",
		"does not blame learner code for the spec's own timers",
		"does not check a clock it was not given",
		"checks each spec's clocks afresh",
	} {
		assert.Equal(t, runner.Passed, specs[name].Status, "%s: %s", name, specs[name].Message)
	}
}

// The self-test and the mutants swap files in with go test -overlay: the
// compiler then records the path of the file replaced, under solutions/,
// so an overlaid file's timers are still the learner's.
func TestOverlaidFilesStillCountAsLearnerCode(t *testing.T) {
	work, err := os.ReadFile(filepath.Join(fixtures, "solutions", "fxtimers", "work.go"))
	require.NoError(t, err)
	// Two lines more above ForgetTicker: its line moves from 20 to 22.
	moved := bytes.Replace(work, []byte("// Tidy arms"), []byte("// (overlaid)\n//\n// Tidy arms"), 1)
	require.NotEqual(t, work, moved)
	specs := runTimers(t, map[string][]byte{"work.go": moved})
	s := specs["forgets a ticker"]
	assert.Equal(t, runner.Leaked, s.Status, s.Message)
	assert.Contains(t, s.Message, "armed at internal/harness/testdata/course/solutions/fxtimers/work.go:22")
}
