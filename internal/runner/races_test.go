package runner

import (
	"os"
	"strings"
	"testing"

	"autoroute/internal/course"
)

func TestARaceSpecIsExplainedInWordsAndKeepsTheRawReport(t *testing.T) {
	raw, err := os.ReadFile("../racereport/testdata/metrics.race")
	if err != nil {
		t.Fatal(err)
	}
	lesson := &course.Lesson{ID: "runtime", Dir: "01-runtime", Exercises: []*course.Exercise{{ID: "metrics"}, {ID: "hello"}}}
	specs := []Spec{
		{FullText: "metrics can be read while the lanes are busy, without a data race", Status: Race, Message: racePrefix + string(raw)},
		{FullText: "hello says hello", Status: Failed, Message: "not a race"},
	}
	explainRaces(Options{Root: "/home/ada/autoroute", Lesson: lesson}, specs)
	got := specs[0]
	for _, want := range []string{
		"a read in executor.(*Executor).Metrics at solutions/executor/metrics.go:10",
		"an earlier write in executor.(*Executor).runSafely at solutions/executor/panics.go:21",
		`(Read lessons/01-runtime/README.md, section "metrics".)`,
	} {
		if !strings.Contains(got.Message, want) {
			t.Errorf("the message lacks %q:\n%s", want, got.Message)
		}
	}
	if strings.Contains(got.Message, "/home/ada") || strings.Contains(got.Detail, "/home/ada") {
		t.Errorf("an absolute path is left:\n%s\n%s", got.Message, got.Detail)
	}
	if !strings.Contains(got.Detail, "WARNING: DATA RACE") {
		t.Errorf("the raw report is gone:\n%s", got.Detail)
	}
	if specs[1].Message != "not a race" || specs[1].Detail != "" {
		t.Errorf("a failed spec was rewritten: %+v", specs[1])
	}
}

func TestACrashNamesItsSectionWithPathsFromTheRoot(t *testing.T) {
	lesson := &course.Lesson{ID: "runtime", Dir: "01-runtime", Exercises: []*course.Exercise{{ID: "panics"}}}
	p := &process{crashed: "panics a panicking task does not take the executor down",
		crashMessage: "The test process died while this spec ran. Its last words:\npanic: boom\n\n\t/home/ada/autoroute/solutions/executor/panics.go:32 +0xf9"}
	teach(Options{Root: "/home/ada/autoroute", Lesson: lesson}, p)
	if !strings.HasSuffix(p.crashMessage, "\tsolutions/executor/panics.go:32 +0xf9\n(Read lessons/01-runtime/README.md, section \"panics\".)") {
		t.Errorf("got:\n%s", p.crashMessage)
	}
}
