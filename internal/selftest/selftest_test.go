package selftest_test

import (
	"bytes"
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/runner"
)

const root = "../.."

// Three shuffled runs of the reference: an order-dependent spec or a flaky
// one has three chances to show itself on every CI run.
var referenceSeeds = []int64{1, 2, 3}

func load(t *testing.T) *course.Course {
	t.Helper()
	c, err := course.Load(root)
	require.NoError(t, err)
	return c
}

func budget(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestLessonsAgreeWithTheManifest(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			for _, dir := range []string{l.SpecDir(), l.StubDir(), l.ReferenceDir(), l.PristineDir()} {
				assert.DirExists(t, filepath.Join(root, dir), "lesson %s", l.ID)
			}
			want := l.Files()
			slices.Sort(want)
			for _, dir := range []string{l.ReferenceDir(), l.PristineDir()} {
				assert.Equal(t, want, goFiles(t, dir), "lesson %s: %s should hold exactly the manifest's files", l.ID, dir)
				for _, f := range want {
					assert.Equal(t, l.Package, packageOf(t, dir, f), "lesson %s: %s/%s is in the wrong package", l.ID, dir, f)
				}
			}
			for _, e := range l.Exercises {
				assert.Contains(t, read(t, l.PristineDir(), e.File), "TODO("+l.ID+")",
					"lesson %s, exercise %s: the stub %s should say what to do in a TODO(%s) comment", l.ID, e.ID, e.File, l.ID)
				assert.NotEqual(t, read(t, l.PristineDir(), e.File), read(t, l.ReferenceDir(), e.File),
					"lesson %s, exercise %s: the stub is the reference", l.ID, e.ID)
			}
			for _, f := range l.Support {
				assert.Equal(t, read(t, l.ReferenceDir(), f), read(t, l.PristineDir(), f),
					"lesson %s: support file %s must be the same in the stub and the reference", l.ID, f)
			}
			for _, err := range l.CheckDocs(root) {
				t.Errorf("lesson %s: %v", l.ID, err)
			}
		})
	}
}

func TestReferencePassesEverySpec(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			take(t, busy)
			result, err := runner.Run(budget(t), runner.Options{
				Root: root, Lesson: l, Solution: runner.Reference, Race: true, Seeds: referenceSeeds, KeepBuilds: kept,
			})
			require.NoError(t, err)
			require.Empty(t, result.BuildError, "lesson %s: the reference does not build", l.ID)

			perExercise := map[string]int{}
			for _, s := range result.Specs {
				perExercise[s.Exercise]++
				assert.Equal(t, runner.Passed, s.Status, "lesson %s: the reference fails %q (%s):\n%s", l.ID, s.FullText, s.Status, s.Message)
			}
			exercises := map[string]bool{}
			for _, e := range l.Exercises {
				exercises[e.ID] = true
				assert.GreaterOrEqual(t, perExercise[e.ID], 3, "lesson %s, exercise %s: needs at least 3 specs (a Describe labelled %q)", l.ID, e.ID, e.ID)
			}
			for _, s := range result.Specs {
				assert.True(t, exercises[s.Exercise], "lesson %s: spec %q is not labelled with one of the lesson's exercise ids", l.ID, s.FullText)
			}
			for _, m := range l.Mistakes {
				assert.True(t, slices.ContainsFunc(result.Specs, func(s runner.Spec) bool {
					return s.Exercise == m.Exercise && s.Name == m.CaughtBy
				}), "lesson %s, mistake %s: exercise %s has no spec %q", l.ID, m.ID, m.Exercise, m.CaughtBy)
			}
		})
	}
}

func TestStubsFailEverySpec(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			take(t, waiting)
			// Without the race detector: a spec must fail on the stubs for
			// what they do, not for a race, and a build without it costs
			// half the CPU.
			result, err := runner.Run(budget(t), runner.Options{Root: root, Lesson: l, Solution: runner.Stub, KeepBuilds: kept})
			require.NoError(t, err)
			require.Empty(t, result.BuildError, "lesson %s: the stubs do not build", l.ID)
			require.NotEmpty(t, result.Specs)
			for _, s := range result.Specs {
				assert.NotEqual(t, runner.Passed, s.Status, "lesson %s: spec %q passes on the untouched stubs: it cannot tell a solution from a TODO", l.ID, s.FullText)
				assert.NotEmpty(t, s.Message, "lesson %s: spec %q fails on the stubs without saying why", l.ID, s.FullText)
			}
		})
	}
}

func TestEveryMistakeIsCaught(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		for _, m := range l.Mistakes {
			t.Run(l.ID+"/"+m.ID, func(t *testing.T) {
				t.Parallel()
				take(t, waiting)
				reference := []byte(read(t, l.ReferenceDir(), m.File))
				mistaken, err := m.Apply(reference)
				require.NoError(t, err)

				// First without the race detector: most mistakes show in
				// what the code does, and a build and a run without it cost
				// about half the CPU (the self-test makes a hundred). A
				// mistake that survives runs again under -race, which is
				// what catches the data races.
				//
				// Each build leaves out the spec files of the lesson's other
				// exercises (TrimSpecs): the mistake runs only its
				// exercise's specs, and compiling the whole spec package
				// again for each mistake was most of the self-test's CPU.
				// A trimmed suite that does not compile (a helper it left
				// out) is built again whole. Only the spec that must catch
				// the mistake runs: a mistake that hangs its exercise would
				// otherwise wait out the budget of every spec in it.
				var caught runner.Spec
				for _, race := range []bool{false, true} {
					opts := runner.Options{
						Root: root, Lesson: l, Solution: runner.Reference, Race: race,
						Replace: map[string][]byte{m.File: mistaken}, Exercises: []string{m.Exercise}, Specs: []string{m.CaughtBy}, TrimSpecs: true,
						KeepBuilds: kept,
					}
					result, err := runner.Run(budget(t), opts)
					require.NoError(t, err)
					if result.BuildError != "" {
						t.Logf("lesson %s, mistake %s: the suite trimmed to exercise %s does not build, built whole:\n%s", l.ID, m.ID, m.Exercise, result.BuildError)
						opts.TrimSpecs = false
						result, err = runner.Run(budget(t), opts)
						require.NoError(t, err)
					}
					require.Empty(t, result.BuildError, "lesson %s, mistake %s: the mistaken reference does not build", l.ID, m.ID)
					i := slices.IndexFunc(result.Specs, func(s runner.Spec) bool { return s.Exercise == m.Exercise && s.Name == m.CaughtBy })
					require.GreaterOrEqual(t, i, 0, "lesson %s, mistake %s: no spec %q in exercise %s", l.ID, m.ID, m.CaughtBy, m.Exercise)
					caught = result.Specs[i]
					if caught.Status != runner.Passed {
						break
					}
				}
				assert.NotEqual(t, runner.Passed, caught.Status,
					"lesson %s: mistake %s is not caught by %q.\nThe change to %s:\n%s", l.ID, m.ID, m.CaughtBy, m.File, diff(m))
				t.Logf("lesson %s: mistake %s caught by %q as %s: %s", l.ID, m.ID, m.CaughtBy, caught.Status, firstLine(caught.Message))
				checkTeaches(t, l, "lesson "+l.ID+", mistake "+m.ID, caught) // teach_test.go
				if caught.Status == runner.NotRun {
					t.Errorf("lesson %s, mistake %s: the spec %q did not run", l.ID, m.ID, m.CaughtBy)
				}
			})
		}
	}
}

// Fuzz targets hunt for inputs the specs never thought of; a short run on
// the reference proves the target works and the reference survives it.
// fuzzInputs is how many inputs a run tries: a few seconds' worth on an
// idle machine, however long they take on a loaded one.
const fuzzInputs = 20000

// fuzzing makes the fuzz targets take turns: a fuzzing run keeps every
// core busy with its workers, and its build instruments the packages it
// imports, which the other target's build would compile again beside it
// from an empty cache.
var fuzzing sync.Mutex

func TestFuzzTargetsHoldOnTheReference(t *testing.T) {
	t.Parallel()
	for _, l := range load(t).Lessons {
		for _, target := range l.Fuzz {
			t.Run(l.ID+"/"+target, func(t *testing.T) {
				t.Parallel()
				take(t, busy)
				fuzzing.Lock() // one at a time: see fuzzing
				defer fuzzing.Unlock()
				err := runner.Fuzz(budget(t), runner.Options{Root: root, Lesson: l, Solution: runner.Reference}, target, fuzzInputs)
				require.NoError(t, err)
			})
		}
	}
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, dir))
	require.NoError(t, err)
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") {
			files = append(files, e.Name())
		}
	}
	return files
}

func packageOf(t *testing.T, dir, file string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, dir, file), nil, parser.PackageClauseOnly)
	require.NoError(t, err)
	return f.Name.Name
}

func read(t *testing.T, dir, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, dir, file))
	require.NoError(t, err)
	return string(data)
}

func diff(m *course.Mistake) string {
	var b bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(m.Replace, "\n"), "\n") {
		fmt.Fprintf(&b, "- %s\n", line)
	}
	for _, line := range strings.Split(strings.TrimRight(m.With, "\n"), "\n") {
		fmt.Fprintf(&b, "+ %s\n", line)
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
