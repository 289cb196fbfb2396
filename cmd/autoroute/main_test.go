package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"autoroute/internal/kittest"
	"autoroute/internal/progress"
)

// autoroute runs the CLI in-process with the progress store in a temporary
// folder, and returns its exit status and output.
func autoroute(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestMain(m *testing.M) {
	state, err := os.MkdirTemp("", "autoroute-cli-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv(progress.StateEnv, state)
	code := m.Run()
	os.RemoveAll(state)
	os.Exit(code)
}

func TestUnknownLessonIsAUsageErrorListingTheIDs(t *testing.T) {
	code, _, stderr := autoroute(t, "", "check", "tokio")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown lesson "tokio"`)
	assert.Contains(t, stderr, "runtime")
}

func TestUnknownCommandShowsTheUsage(t *testing.T) {
	code, _, stderr := autoroute(t, "", "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "Commands:")
}

func TestTheMapShowsTheNextExercise(t *testing.T) {
	code, stdout, _ := autoroute(t, "")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "01 runtime")
	assert.Contains(t, stdout, "Next: runtime, exercise hello")
}

func TestHintsComeOneAtATime(t *testing.T) {
	_, first, _ := autoroute(t, "", "hint", "runtime/lanes")
	assert.Contains(t, first, "Hint 1 of 3")
	assert.NotContains(t, first, "Hint 2 of 3")
	_, second, _ := autoroute(t, "", "hint", "runtime/lanes")
	assert.Contains(t, second, "Hint 2 of 3")

	code, _, stderr := autoroute(t, "", "hint", "runtime/nope")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "hello, lanes")
}

func TestSolutionIsRefusedUntilTheLessonPasses(t *testing.T) {
	code, stdout, stderr := autoroute(t, "", "solution", "runtime")
	assert.Equal(t, exitFailing, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "check the lesson first")

	code, stdout, _ = autoroute(t, "", "solution", "runtime", "--force")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "lessons/01-runtime/reference/hello.go")
}

func TestResetAsksFirst(t *testing.T) {
	code, stdout, stderr := autoroute(t, "no\n", "reset", "runtime")
	assert.Equal(t, exitFailing, code)
	assert.Contains(t, stdout, "Your work in them will be lost")
	assert.Contains(t, stderr, "nothing was changed")
}

func TestFlagsMayFollowTheLesson(t *testing.T) {
	fs, cfg := gradeFlags(&bytes.Buffer{})
	ids, err := parseInterleaved(fs, []string{"runtime", "--solution=reference", "spawn", "--format", "json"})
	require.NoError(t, err)
	assert.Equal(t, []string{"runtime", "spawn"}, ids)
	assert.Equal(t, "reference", cfg.solution)
	assert.Equal(t, "json", cfg.format)
}

// The classroom workflows (this repository's, and the one template writes)
// must be valid YAML of the shape GitHub Classroom needs, call grade with
// flags grade accepts, and report what grade wrote for Classroom as it is:
// the score in the log is the score sent.
func TestTheClassroomWorkflowIsValid(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "grade.yml"))
	require.NoError(t, err)
	t.Run("grade.yml", func(t *testing.T) { checkClassroomWorkflow(t, data) })
	student := strings.NewReplacer("{{repository}}", "teacher/grader", "{{ref}}", strings.Repeat("0", 40)).Replace(studentWorkflow)
	t.Run("template", func(t *testing.T) { checkClassroomWorkflow(t, []byte(student)) })
}

func checkClassroomWorkflow(t *testing.T, data []byte) {
	var wf struct {
		Name string `yaml:"name"`
		Jobs map[string]struct {
			Name  string `yaml:"name"`
			Steps []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				If   string            `yaml:"if"`
				Dir  string            `yaml:"working-directory"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &wf))
	job, ok := wf.Jobs["autograding"]
	require.True(t, ok, "a job named autograding")
	assert.Equal(t, "Autograding Tests", job.Name, "GitHub Classroom reads the annotations of this check run")

	var grades, reports int
	var classroomFile, gradeDir string
	for _, step := range job.Steps {
		assert.NotContains(t, step.Uses, "autograding-grading-reporter", "its log counts whole tests, not the points sent")
		if strings.HasPrefix(step.Uses, "actions/setup-go") {
			assert.Contains(t, step.With["go-version-file"], "go.mod")
		}
		for _, args := range autorouteCalls(step.Run) {
			require.Equal(t, "grade", args[0])
			grades++
			gradeDir = step.Dir
			fs, cfg := gradeFlags(&bytes.Buffer{})
			_, err := parseInterleaved(fs, args[1:])
			assert.NoError(t, err, "the workflow's grade command line: %v", args)
			for _, r := range cfg.reports {
				if r.format == "classroom" {
					classroomFile = r.file
				}
			}
		}
		if strings.Contains(step.Run, "autoroute-classroom.txt") && len(autorouteCalls(step.Run)) == 0 {
			reports++
			assert.Equal(t, gradeDir, step.Dir, "the report step reads where grade wrote")
			assert.Contains(t, step.If, "always()", "the score is reported even when grade fails under --min-score")
			checkReportStep(t, step.Run)
		}
	}
	assert.Equal(t, 1, grades, "one grade run")
	assert.Equal(t, "autoroute-classroom.txt", classroomFile, "grade writes the Classroom result the report step prints")
	assert.Equal(t, 1, reports, "one step that reports to Classroom")
}

// checkReportStep runs the workflow's report step in bash on what grade
// writes for Classroom: it prints it unchanged, and fails on an ::error line
// (a lesson that could not be graded), not on failing specs.
func checkReportStep(t *testing.T, script string) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the workflow's step")
	}
	for _, tc := range []struct {
		content string
		fails   bool
	}{
		{"Total points: 44.38/230, the score sent to GitHub Classroom (runtime 39.38/100, tcpserver 5/130)\n" +
			"::notice title=Autograding complete::Points 44.38/230\n" +
			"::notice title=Autograding report::{\"totalPoints\":44.38,\"maxPoints\":230}\n", false},
		{"Total points: 39.38/230, the score sent to GitHub Classroom (runtime 39.38/100, tcpserver 0/130)\n" +
			"::notice title=Autograding complete::Points 39.38/230\n" +
			"::error title=Autograding::tcpserver could not be graded (build error): it scores 0 of 130\n", true},
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "autoroute-classroom.txt"), []byte(tc.content), 0o644))
		cmd := exec.Command(bash, "-e", "-c", script)
		cmd.Dir = dir
		out, err := cmd.Output()
		assert.Equal(t, tc.content, string(out), "the step's log is what grade wrote for Classroom")
		assert.Equal(t, tc.fails, err != nil, "the step fails exactly on an ::error line: %v", err)
	}
}

// autorouteCalls extracts the argument lists of `go tool autoroute` (or
// `go run ./cmd/autoroute`) in a shell script, joining continued lines and
// dropping quotes.
func autorouteCalls(script string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var calls [][]string
	words := regexp.MustCompile(`"[^"]*"|\S+`)
	for _, line := range strings.Split(script, "\n") {
		_, rest, ok := strings.Cut(line, "go tool autoroute ")
		if !ok {
			_, rest, ok = strings.Cut(line, "go run ./cmd/autoroute ")
		}
		if !ok {
			continue
		}
		var args []string
		for _, w := range words.FindAllString(rest, -1) {
			args = append(args, strings.ReplaceAll(w, `"`, ""))
		}
		calls = append(calls, args)
	}
	return calls
}

// The maintainer's switch, end to end: every lesson's reference passes
// through the same command learners run.
func TestCheckOfTheReferencePasses(t *testing.T) {
	kittest.Heavy(t) // every lesson's suite, built and run under -race
	code, stdout, stderr := autoroute(t, "", "check", "--solution=reference")
	assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.NotContains(t, stdout, "✗")
}

func TestCheckOfTheStubsFailsWithHints(t *testing.T) {
	kittest.Heavy(t)
	code, stdout, _ := autoroute(t, "", "check", "runtime", "--solution=stub")
	assert.Equal(t, exitFailing, code)
	assert.Contains(t, stdout, "[still a stub]")
	assert.Contains(t, stdout, "Hint 1 of")
	assert.Contains(t, stdout, "runtime: 0 of")
}
