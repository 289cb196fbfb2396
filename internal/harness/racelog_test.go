package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"autoroute/internal/kittest"
)

func TestWholeReportsLeavesAReportBeingWritten(t *testing.T) {
	one := raceSeparator + "\nWARNING: DATA RACE\nRead at 0x1 by goroutine 7:\n" + raceSeparator + "\n"
	for _, c := range []struct {
		data string
		want int
	}{
		{"", 0},
		{one, len(one)},
		{one + raceSeparator + "\nWARNING: DATA RACE\nWrite at", len(one)},
		{one + one, 2 * len(one)},
		{raceSeparator + "\nWARNING: DATA RACE\n", 0},
	} {
		if got := wholeReports([]byte(c.data)); got != c.want {
			t.Errorf("wholeReports(%q) = %d, want %d", c.data, got, c.want)
		}
	}
}

func TestTheSuiteKeepsThePersonsRaceOptions(t *testing.T) {
	for _, c := range []struct{ gorace, want string }{
		{"", "atexit_sleep_ms=0 log_path=/tmp/x/race"},
		{"halt_on_error=1", "halt_on_error=1 atexit_sleep_ms=0 log_path=/tmp/x/race"},
		{"atexit_sleep_ms=200 history_size=3", "atexit_sleep_ms=200 history_size=3 log_path=/tmp/x/race"},
	} {
		if got := childRaceOptions(c.gorace, "/tmp/x"); got != c.want {
			t.Errorf("childRaceOptions(%q) = %q, want %q", c.gorace, got, c.want)
		}
	}
	if got := childRaceOptions("", "/tmp/a b"); got != `atexit_sleep_ms=0 log_path="/tmp/a b/race"` {
		t.Errorf("a folder with a blank is quoted: %q", got)
	}
}

// plainGoTest runs a learner's go test -race on the fixture lesson whose
// Count races (testdata/course/specs/races), and returns what it printed.
// go test's exit status is the suite's.
func plainGoTest(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	return plainGoTestOf(t, "races", env, args...)
}

// plainGoTestOf is plainGoTest on the fixture lesson named lesson.
func plainGoTestOf(t *testing.T, lesson string, env []string, args ...string) (string, int) {
	t.Helper()
	return fixtureGoTest(t, lesson, true, env, args...)
}

// fixtureGoTest runs a learner's go test (with -race if race) on the
// fixture lesson named lesson (testdata/course/specs/<lesson>), and returns
// what it printed, the repository's root written as <root>/, and its exit
// status.
func fixtureGoTest(t *testing.T, lesson string, race bool, env []string, args ...string) (string, int) {
	t.Helper()
	kittest.Heavy(t) // it builds and runs a suite
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"test", "-count=1", "-timeout=3m"}
	if race {
		flags = append(flags, "-race")
	}
	cmd := exec.Command("go", append(flags, args...)...)
	cmd.Args = append(cmd.Args, "./internal/harness/testdata/course/specs/"+lesson+"/")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = time.Minute
	out, _ := cmd.CombinedOutput()
	return strings.ReplaceAll(string(out), root+"/", "<root>/"), cmd.ProcessState.ExitCode()
}

// A learner's plain go test shows a race as check does: in words, on the
// spec it happened in, with the learner's lines from the repository's
// root, the section to read, and the detector's own report only under -v.
func TestAPlainGoTestExplainsARace(t *testing.T) {
	out, code := plainGoTest(t, []string{"NO_COLOR=1"})
	if code != 1 {
		t.Errorf("go test exited with %d, want 1", code)
	}
	for _, want := range []string{
		"Lesson races: 1 of 2 specs pass. Next: exercise count",
		"--- FAIL: TestSuite/count/counts_on_eight_goroutines",
		"A data race: two goroutines used the same memory at the same time",
		"in fxraces.Count at internal/harness/testdata/course/solutions/fxraces/count.go:16, on the goroutine started by fxraces.Count at internal/harness/testdata/course/solutions/fxraces/count.go:14.",
		"(go test -v shows the race detector's own report.)",
		`(Read lessons/races/README.md, section "count".)`,
		"FAIL\tautoroute/internal/harness/testdata/course/specs/races",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the run does not say %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"WARNING: DATA RACE", "<root>/", "\x1b["} {
		if strings.Contains(out, unwanted) {
			t.Errorf("the run shows %q:\n%s", unwanted, out)
		}
	}
	if strings.Contains(out, "sums_on_eight_goroutines") {
		t.Errorf("the spec that does not race is blamed:\n%s", out)
	}
}

func TestAVerbosePlainGoTestAddsTheDetectorsReport(t *testing.T) {
	out, _ := plainGoTest(t, []string{"GORACE=history_size=2"}, "-v")
	for _, want := range []string{
		"in fxraces.Count at internal/harness/testdata/course/solutions/fxraces/count.go:16",
		"The race detector's own report:\n",
		"WARNING: DATA RACE",
		"      internal/harness/testdata/course/solutions/fxraces/count.go:16 +0x",
		"--- PASS: TestSuite/sum/sums_on_eight_goroutines",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the verbose run does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<root>/") {
		t.Errorf("the verbose run shows an absolute path:\n%s", out)
	}
	if n := strings.Count(out, "=== RUN   TestSuite\n"); n != 1 {
		t.Errorf("the suite's run is announced %d times:\n%s", n, out)
	}
}

func TestAPlainGoTestOfAnExerciseWithoutARacePasses(t *testing.T) {
	out, code := plainGoTest(t, []string{"NO_COLOR=1"}, "-run", "/sum")
	if code != 0 || !strings.HasPrefix(out, "ok  \tautoroute/internal/harness/testdata/course/specs/races") {
		t.Errorf("go test -run /sum should pass:\n%s", out)
	}
}

// A test process that dies in a spec (a panic on a goroutine of the
// learner's) still says, after the runtime's own words, which spec it died
// in, the race it saw before, in words, and the section to read
// (testdata/course/specs/crash).
func TestAPlainGoTestThatDiesSaysWhereAndWhatToRead(t *testing.T) {
	out, code := plainGoTestOf(t, "crash", []string{"NO_COLOR=1"})
	if code == 0 {
		t.Errorf("go test exited with 0")
	}
	for _, want := range []string{
		"panic: close of closed channel",
		"The test process died while this spec ran: close counts on two goroutines.",
		"The race detector saw this before it died:\nA data race:",
		"in fxcrash.CloseTwice at internal/harness/testdata/course/solutions/fxcrash/close.go:18",
		`(Read lessons/crash/README.md, section "close".)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the run does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "WARNING: DATA RACE") {
		t.Errorf("the race detector's raw report is shown without -v:\n%s", out)
	}
}
