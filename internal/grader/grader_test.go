package grader_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/grader"
	"autoroute/internal/kittest"
	"autoroute/internal/runner"
)

// fixtures is a course whose solutions misbehave in every way learner code
// can, each lesson beside specs that pass ("answers before", "answers
// after").
const fixtures = "testdata/course"

func gradeFixtures(t *testing.T, pristine grader.Sums, ids ...string) *grader.Report {
	kittest.Heavy(t) // builds and runs misbehaving suites under -race: a kit test
	t.Helper()
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	var lessons []*course.Lesson
	for _, id := range ids {
		l, err := c.Lesson(id)
		require.NoError(t, err)
		lessons = append(lessons, l)
	}
	// A safety net only: sixteen lessons, each built twice under -race, on
	// a machine that may be busy.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	report, err := grader.Grade(ctx, grader.Options{
		Root: fixtures, Course: c, Lessons: lessons, Solution: runner.Learner, Pristine: pristine, Budget: time.Minute,
		MemoryLimit: fixtureMemory,
	})
	require.NoError(t, err)
	return report
}

// fixtureMemory is the memory limit of the fixtures' test processes: far
// above what an honest suite uses under the race detector (about 45 MiB),
// half of what the memory fixture takes, so that the watchdog stops it
// early in its growth even on a loaded machine.
const fixtureMemory = 256 << 20

func specs(l grader.LessonReport) map[string]grader.SpecReport {
	m := map[string]grader.SpecReport{}
	for _, e := range l.Exercises {
		for _, s := range e.Specs {
			m[s.Name] = s
		}
	}
	return m
}

func TestEachMisbehaviourIsGradedPreciselyAndTheRestStillScores(t *testing.T) {
	report := gradeFixtures(t, nil, "clean", "deadlock", "gopanic", "exit", "exitzero", "spin", "race", "leak",
		"broken", "chatty", "forge", "memory", "refused", "exitinit", "bomb", "raceflood")
	want := map[string]struct {
		status     string // the lesson's
		misbehaves runner.Status
		message    string // part of the misbehaving spec's message
	}{
		"clean":    {grader.LessonPassed, runner.Passed, ""},
		"deadlock": {grader.LessonFailed, runner.TimedOut, "had not returned"},
		"gopanic":  {grader.LessonFailed, runner.Crashed, "boom on a goroutine the spec does not own"},
		"exit":     {grader.LessonFailed, runner.Crashed, "The test process died while this spec ran"},
		// os.Exit(0) mid-spec: a spec started and never ended is a crash,
		// whatever the exit status, and the specs after it run again.
		"exitzero": {grader.LessonFailed, runner.Crashed, "The test process died while this spec ran"},
		"spin":     {grader.LessonFailed, runner.TimedOut, "had not returned"},
		"race":     {grader.LessonFailed, runner.Race, "WARNING: DATA RACE"},
		// The same race, after 110,000 race-report first lines printed
		// before any spec to use up what is kept past the output cap.
		"raceflood": {grader.LessonFailed, runner.Race, "WARNING: DATA RACE"},
		"leak":      {grader.LessonFailed, runner.Leaked, "goroutines started during it are still running"},
		// 12 MiB of forged markers from init: capped, and believed by no one.
		"chatty": {grader.LessonFailed, runner.Panicked, "still wrong"},
		// Forged end markers on standard output and error, old and new style.
		"forge":  {grader.LessonFailed, runner.Panicked, "still wrong"},
		"memory": {grader.LessonFailed, runner.Crashed, "more than 256 MiB of memory"},
	}
	require.Len(t, report.Lessons, 16)
	for _, l := range report.Lessons {
		t.Run(l.ID, func(t *testing.T) {
			switch l.ID {
			case "broken":
				assert.Equal(t, grader.LessonBuildError, l.Status)
				assert.Contains(t, l.BuildError, "solutions/fxbroken/work.go:5", "the compiler's file:line")
				assert.Zero(t, l.Score)
				return
			case "refused":
				assert.Equal(t, grader.LessonBuildError, l.Status)
				assert.Zero(t, l.Score)
				all := strings.Join(l.Refused, "\n")
				for _, what := range []string{
					`work.go:5: import: package "flag"`, "work.go:21: call: os.WriteFile", "work.go:21: call: os.Getenv",
					"work.go:22: call: runtime.RaceAcquire", "work.go:23: call: reflect.Value.MethodByName",
					"work.go:23: call: reflect.Value.Call", "work.go:24: call: log.Writer", "work.go:26: network:",
					// Refused values reached without naming them, the standard
					// library's variables changed, a constant bomb.
					"more.go:16: call: a method named File", "more.go:21: call: a method named Writer",
					"more.go:23: write: assigns context.Canceled", "more.go:42: constant:", "more.go:51: constant: an array",
				} {
					assert.Contains(t, all, what)
				}
				assert.Contains(t, l.BuildError, "solutions/fxrefused/work.go:22: call: runtime.RaceAcquire")
				return
			case "bomb":
				// Generic code that makes the compiler grow without bound,
				// which no static check sees: the build is stopped at its
				// memory limit (768 MiB a process here), as a build error.
				assert.Equal(t, grader.LessonBuildError, l.Status)
				assert.Contains(t, l.BuildError, "MiB of memory in one process and was stopped")
				assert.Zero(t, l.Score)
				return
			case "exitinit":
				assert.Equal(t, grader.LessonNoStart, l.Status)
				assert.Contains(t, l.StartError, "ended before it ran any spec (it exited with status 0)")
				assert.Zero(t, l.Score)
				return
			}
			w := want[l.ID]
			assert.Equal(t, w.status, l.Status)
			got := specs(l)
			require.Len(t, got, 3, "every spec of the pristine suite, and only those")
			assert.Equal(t, string(runner.Passed), got["answers before"].Status, "a spec before the misbehaviour still counts: %s", got["answers before"].Message)
			assert.Equal(t, string(runner.Passed), got["answers after"].Status, "a spec after the misbehaviour still counts: %s", got["answers after"].Message)
			assert.Equal(t, string(w.misbehaves), got["misbehaves"].Status, got["misbehaves"].Message)
			assert.Contains(t, got["misbehaves"].Message, w.message)
			wantScore := 10.0
			if w.misbehaves != runner.Passed {
				wantScore = 6.67
			}
			assert.InDelta(t, wantScore, l.Score, 0.01)
		})
	}
	assert.InDelta(t, 10+11*6.67, report.Score, 0.05)
	assert.EqualValues(t, 160, report.MaxScore)
}

func TestAGoWorkOrVendorDirectoryIsTampering(t *testing.T) {
	sums, err := grader.ComputeSums(fixtures)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(fixtures, "go.work"), []byte("go 1.25\n"), 0o644))
	t.Cleanup(func() { os.Remove(filepath.Join(fixtures, "go.work")) })
	require.NoError(t, os.MkdirAll(filepath.Join(fixtures, "vendor"), 0o755))
	t.Cleanup(func() { os.RemoveAll(filepath.Join(fixtures, "vendor")) })

	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("clean")
	require.NoError(t, err)
	changed, err := sums.Changed(fixtures, l)
	require.NoError(t, err)
	assert.Equal(t, []string{"go.work (added)", "vendor (added)"}, changed)
}

// The pristine stubs list the specs a run must report on: an edited one
// (an init function that sets -ginkgo.skip, say) could hide the specs a
// solution fails, so editing one is tampering with its lesson.
func TestAnEditedPristineStubIsTampering(t *testing.T) {
	sums, err := grader.ComputeSums(fixtures)
	require.NoError(t, err)
	require.Contains(t, sums, "lessons/clean/stub/work.go")
	sums["lessons/clean/stub/work.go"] = strings.Repeat("0", 64)
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	for id, want := range map[string][]string{"clean": {"lessons/clean/stub/work.go (edited)"}, "race": nil} {
		l, err := c.Lesson(id)
		require.NoError(t, err)
		changed, err := sums.Changed(fixtures, l)
		require.NoError(t, err)
		assert.Equal(t, want, changed, "lesson %s", id)
	}
}

func TestTamperedLessonsScoreNothingAndNameTheFiles(t *testing.T) {
	sums, err := grader.ComputeSums(fixtures)
	require.NoError(t, err)
	sums["specs/clean/work_test.go"] = strings.Repeat("0", 64)
	delete(sums, "specs/clean/suite_test.go")
	sums["specs/clean/gone_test.go"] = strings.Repeat("0", 64)

	report := gradeFixtures(t, sums, "clean")
	l := report.Lessons[0]
	assert.Equal(t, grader.LessonTampered, l.Status)
	assert.Zero(t, l.Score)
	assert.Equal(t, []string{"specs/clean/gone_test.go (removed)", "specs/clean/suite_test.go (added)", "specs/clean/work_test.go (edited)"}, l.Tampered)
	assert.Empty(t, specs(l), "an edited lesson is never built nor run: its specs are code no static check has read")
	assert.Len(t, l.Exercises, 1)
}

func TestAFuzzFindingIsNotTampering(t *testing.T) {
	sums, err := grader.ComputeSums(fixtures)
	require.NoError(t, err)
	delete(sums, "specs/clean/testdata/fuzz/FuzzX/found")
	dir := filepath.Join(fixtures, "specs", "clean", "testdata", "fuzz", "FuzzX")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(filepath.Join(fixtures, "specs", "clean", "testdata")) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "found"), []byte("go test fuzz v1\n"), 0o644))

	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("clean")
	require.NoError(t, err)
	changed, err := sums.Changed(fixtures, l)
	require.NoError(t, err)
	assert.Empty(t, changed)
}

func TestThePristineChecksumsAreCurrent(t *testing.T) {
	embedded, err := grader.Pristine()
	require.NoError(t, err)
	now, err := grader.ComputeSums("../..")
	require.NoError(t, err)
	assert.Equal(t, now, embedded, "internal/grader/pristine.sum is out of date with specs/, fakes/, internal/harness/ or the manifest: run go run ./cmd/autoroute generate")
}

func TestFormats(t *testing.T) {
	report := gradeFixtures(t, nil, "clean", "deadlock", "broken")

	var js bytes.Buffer
	require.NoError(t, report.Write(&js, "json", false))
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	for _, key := range []string{"score", "max_score", "lessons"} {
		assert.Contains(t, decoded, key)
	}
	lesson := decoded["lessons"].([]any)[1].(map[string]any)
	for _, key := range []string{"id", "score", "max_score", "status", "exercises"} {
		assert.Contains(t, lesson, key)
	}
	spec := lesson["exercises"].([]any)[0].(map[string]any)["specs"].([]any)[1].(map[string]any)
	for _, key := range []string{"name", "status", "message"} {
		assert.Contains(t, spec, key)
	}

	var junit bytes.Buffer
	require.NoError(t, report.Write(&junit, "junit", false))
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
	assert.Equal(t, 3+3+1, suites.Tests, "3 specs per built lesson, 1 build error")
	assert.Equal(t, 2, suites.Errors, "the deadlock and the build error")

	var md bytes.Buffer
	require.NoError(t, report.Write(&md, "markdown", false))
	assert.Contains(t, md.String(), "| deadlock | 6.67 / 10 | failed |")

	var classroom bytes.Buffer
	require.NoError(t, report.Write(&classroom, "classroom", false))
	assert.Contains(t, classroom.String(), "::notice title=Autograding complete::Points 16.67/30\n")
	assert.Contains(t, classroom.String(), "::error title=Autograding::broken could not be graded (build error)",
		"a lesson that does not build is an error; failing specs alone are not")
	assert.Equal(t, 1, strings.Count(classroom.String(), "::error"))

	var text bytes.Buffer
	require.NoError(t, report.Write(&text, "text", false))
	assert.NotContains(t, text.String(), "\x1b[", "no colour unless asked")
	assert.Error(t, report.Write(&text, "yaml", false))
}

func TestAProcessThatHangsIsInterrupted(t *testing.T) {
	kittest.Heavy(t)
	c, err := course.Load(fixtures)
	require.NoError(t, err)
	l, err := c.Lesson("hang")
	require.NoError(t, err)
	began := time.Now()
	report, err := grader.Grade(context.Background(), grader.Options{
		Root: fixtures, Course: c, Lessons: []*course.Lesson{l}, Solution: runner.Learner, Budget: 3 * time.Second,
	})
	require.NoError(t, err)
	assert.Less(t, time.Since(began), time.Minute, "the hung process was left running")
	lr := report.Lessons[0]
	assert.Equal(t, grader.LessonNoStart, lr.Status)
	assert.Contains(t, lr.StartError, "did not start its specs within 3s")
	assert.Zero(t, lr.Score)
}

// The reference's full marks can never pass for a learner's: every format
// says whose code was graded, and Classroom gets an error.
func TestTheReferenceIsMarkedInEveryFormat(t *testing.T) {
	report := &grader.Report{Solution: "reference", Score: 10, MaxScore: 10, Lessons: []grader.LessonReport{{
		ID: "clean", Score: 10, MaxScore: 10, Status: grader.LessonPassed,
		Exercises: []grader.ExerciseReport{{ID: "work", Score: 10, MaxScore: 10, Specs: []grader.SpecReport{{Name: "s", Status: "passed"}}}},
	}}}
	for _, format := range []string{"text", "markdown", "junit", "json"} {
		var b bytes.Buffer
		require.NoError(t, report.Write(&b, format, false))
		assert.Contains(t, b.String(), "reference", format)
	}
	var classroom bytes.Buffer
	require.NoError(t, report.Write(&classroom, "classroom", false))
	assert.Contains(t, classroom.String(), "::error title=Autograding::graded the course's reference solution, not the learner's code")
	assert.NotContains(t, classroom.String(), "Points", "the reference's full marks are never sent")
}
