package selftest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/runner"
)

// TestEachExercisePassesBeforeTheNextIsWritten follows a learner who works
// in the manifest's order: with the reference's files for the exercises up
// to one, and the stubs for every later one, that exercise's specs must all
// pass. A later exercise's stub that the given code calls must behave as
// the code did before that exercise (as timeouts.go's stub reads and writes
// without deadlines), never stop the exercises before it.
func TestEachExercisePassesBeforeTheNextIsWritten(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		// With every exercise written, the code is the reference: that is
		// TestReferencePassesEverySpec.
		for k, e := range l.Exercises[:len(l.Exercises)-1] {
			t.Run(fmt.Sprintf("%s/%02d-%s", l.ID, k+1, e.ID), func(t *testing.T) {
				t.Parallel()
				take(t, busy)
				done := map[string][]byte{}
				for _, before := range l.Exercises[:k+1] {
					done[before.File] = []byte(read(t, l.ReferenceDir(), before.File))
				}
				opts := runner.Options{
					Root: root, Lesson: l, Solution: runner.Stub,
					Replace: done, Exercises: []string{e.ID}, TrimSpecs: true, KeepBuilds: kept,
				}
				result, err := runner.Run(budget(t), opts)
				require.NoError(t, err)
				if result.BuildError != "" { // a helper of another exercise's specs: build whole
					opts.TrimSpecs = false
					result, err = runner.Run(budget(t), opts)
					require.NoError(t, err)
				}
				require.Empty(t, result.BuildError, "lesson %s: exercises up to %s written, the rest stubs: it does not build", l.ID, e.ID)
				ran := 0
				for _, s := range result.Specs {
					if s.Exercise != e.ID {
						continue
					}
					ran++
					assert.Equal(t, runner.Passed, s.Status,
						"lesson %s: with the exercises up to %s written and the later ones still stubs, spec %q is %s: %s\n"+
							"A later exercise's stub stops an earlier one; make that stub do what the code did before its exercise.",
						l.ID, e.ID, s.Name, s.Status, firstLine(s.Message))
				}
				assert.NotZero(t, ran, "lesson %s: no spec of exercise %s ran", l.ID, e.ID)
			})
		}
	}
}
