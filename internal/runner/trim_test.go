package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
)

// A suite trimmed to one exercise keeps that exercise's file, the files
// without a label, and whatever file declares a name a kept file uses; it
// leaves out the rest.
func TestTrimmedSuiteKeepsItsExerciseAndWhatItUses(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "specs", "demo")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	files := map[string]string{
		"suite_test.go":   "package demo_test\n\nfunc TestDemo(t *testing.T) { run(t) }\n",
		"helpers_test.go": "package demo_test\n\nfunc run(t *testing.T) {}\n\nvar shared = fromB()\n",
		"a_test.go":       "package demo_test\n\nvar _ = Describe(\"a\", Label(\"a\"), func() { It(\"x\", func() { useC() }) })\n",
		"b_test.go":       "package demo_test\n\nvar _ = Describe(\"b\", Label(\"b\"), func() {})\n\nfunc fromB() int { return 1 }\n",
		"c_test.go":       "package demo_test\n\nvar _ = Describe(\"c\", Label(\"c\"), func() {})\n\nfunc useC() {}\n",
		"d_test.go":       "package demo_test\n\nvar _ = Describe(\"d\", Label(\"d\"), func() {})\n\nfunc unused() {}\n",
		"e_test.go":       "package demo_test\n\nvar _ = Describe(\"e\", Label(\"e\"), func() {})\n",
		"notes.txt":       "not Go",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	opts := Options{Root: root, Lesson: &course.Lesson{ID: "demo"}, Exercises: []string{"a"}}
	hidden, err := otherExercisesSpecFiles(opts)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{filepath.Join(dir, "d_test.go"), filepath.Join(dir, "e_test.go")}, hidden,
		"b stays for the helpers' fromB, c for a's useC")

	opts.Exercises = []string{"e", "d"}
	hidden, err = otherExercisesSpecFiles(opts)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{filepath.Join(dir, "a_test.go"), filepath.Join(dir, "c_test.go")}, hidden)
}
