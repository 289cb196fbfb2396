package course_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
)

func TestTheCourseLoads(t *testing.T) {
	c, err := course.Load("../..")
	require.NoError(t, err)
	require.NotEmpty(t, c.Lessons)
	assert.Equal(t, "runtime", c.Lessons[0].ID)
	for _, l := range c.Lessons {
		for _, m := range l.Mistakes {
			ref, err := os.ReadFile(filepath.Join("../..", l.ReferenceDir(), m.File))
			require.NoError(t, err)
			_, err = m.Apply(ref)
			assert.NoError(t, err, "mistake %s", m.ID)
		}
	}
}

func TestUnknownLessonListsTheIDs(t *testing.T) {
	c, err := course.Load("../..")
	require.NoError(t, err)
	_, err = c.Lesson("tokio")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown lesson "tokio"`)
	assert.Contains(t, err.Error(), "runtime")
}

func TestMalformedManifestsSayWhereAndWhat(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"syntax":        {"lessons: [\n  - id: x\n   bad", "m.yaml:"},
		"unknown field": {"lessons:\n  - id: runtime\n    colour: red\n", `m.yaml:3: unknown field "colour"`},
		"wrong type":    {"lessons:\n  - id: runtime\n    exercises:\n      - id: a\n        points: many\n", "m.yaml:5:"},
		"empty":         {"", "m.yaml: the manifest is empty"},
		"no hints": {`lessons:
  - id: runtime
    dir: 01-runtime
    package: executor
    title: {en: a, fr: b}
    exercises:
      - id: hello
        file: hello.go
        points: 10
        title: {en: a, fr: b}
        hints: [one]
`, "m.yaml:7: exercise hello: needs at least two progressive hints, has 1"},
		"keyword package": {"lessons:\n  - id: select\n    dir: 04-select\n    package: select\n", `m.yaml:2: lesson select: package "select"`},
		"mistake on unknown exercise": {`lessons:
  - id: runtime
    dir: 01-runtime
    package: executor
    title: {en: a, fr: b}
    exercises:
      - {id: hello, file: hello.go, points: 1, title: {en: a, fr: b}, hints: [a, b]}
    mistakes:
      - {id: m, exercise: nope, file: hello.go, replace: a, with: b, lesson: {en: a, fr: b}, caught_by: x}
`, `m.yaml:9: mistake m: exercise "nope" is not an exercise of lesson runtime`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := course.Parse("m.yaml", []byte(tc.yaml))
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tc.want), "error %q should contain %q", err, tc.want)
		})
	}
}

func TestApplyRefusesAmbiguousReplacements(t *testing.T) {
	m := &course.Mistake{ID: "twice", File: "f.go", Replace: "x", With: "y"}
	_, err := m.Apply([]byte("x x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "occurs 2 times")
	got, err := m.Apply([]byte("a x b"))
	require.NoError(t, err)
	assert.Equal(t, "a y b", string(got))
}

func TestEquivalentMutantsAreCheckedStrictly(t *testing.T) {
	head := `lessons:
  - id: runtime
    dir: 01-runtime
    package: executor
    title: {en: a, fr: b}
    exercises:
      - {id: hello, file: hello.go, points: 1, title: {en: a, fr: b}, hints: [a, b]}
    equivalent_mutants:
`
	c, err := course.Parse("m.yaml", []byte(head+"      - {id: \"hello.go:Hello:boundary:1\", reason: \"the loop runs once either way\"}\n"))
	require.NoError(t, err)
	require.Len(t, c.Lessons[0].Equivalents, 1)
	assert.Equal(t, "hello.go:Hello:boundary:1", c.Lessons[0].Equivalents[0].ID)
	assert.Equal(t, 9, c.Lessons[0].Equivalents[0].Line)

	for name, tc := range map[string]struct{ entries, want string }{
		"bad id":    {"      - {id: hello, reason: r}\n", `m.yaml:9: equivalent mutant "hello": want an id`},
		"no reason": {"      - {id: \"a.go:F:boundary:1\"}\n", `m.yaml:9: equivalent mutant "a.go:F:boundary:1": reason must be one line`},
		"twice": {"      - {id: \"a.go:F:boundary:1\", reason: r}\n      - {id: \"a.go:F:boundary:1\", reason: r}\n",
			`m.yaml:10: equivalent mutant "a.go:F:boundary:1" is listed twice`},
		"unknown field": {"      - {id: \"a.go:F:boundary:1\", reason: r, why: x}\n", `m.yaml:9: unknown field "why"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := course.Parse("m.yaml", []byte(head+tc.entries))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
