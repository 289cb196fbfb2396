package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTemplateShipsNoAnswersAndGradesWithThePinnedGrader(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "student")
	sha := strings.Repeat("ab", 20)
	code, _, stderr := autoroute(t, "", "template", dir, "--grader-repo", "teacher/grader", "--grader-ref", sha)
	require.Equal(t, exitOK, code, stderr)

	refs, err := filepath.Glob(filepath.Join(dir, "lessons", "*", "reference"))
	require.NoError(t, err)
	assert.Empty(t, refs, "the references are the answers")
	alts, err := filepath.Glob(filepath.Join(dir, "lessons", "*", "alternatives"))
	require.NoError(t, err)
	assert.Empty(t, alts)

	stub, err := os.ReadFile(filepath.Join(dir, "solutions", "executor", "hello.go"))
	require.NoError(t, err)
	assert.Contains(t, string(stub), "TODO(runtime)", "solutions/ holds the pristine stubs")

	workflow, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "grade.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(workflow), "repository: teacher/grader")
	assert.Contains(t, string(workflow), "ref: "+sha)
	assert.Contains(t, string(workflow), "working-directory: grader")
	assert.NotContains(t, string(workflow), "--solution")

	code, _, _ = autoroute(t, "", "template", filepath.Join(t.TempDir(), "x"), "--grader-repo", "teacher/grader", "--grader-ref", "main")
	assert.Equal(t, exitUsage, code, "a branch can move: only a commit pins the grader")
}
