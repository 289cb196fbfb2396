package selftest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"autoroute/internal/course"
	"autoroute/internal/runner"
)

// sectionRef is how a failure names the section to read (harness.See, and
// racereport for races).
var sectionRef = regexp.MustCompile(`\(Read (lessons/[^,]+\.md), section "([^"]+)"\.\)`)

// learnerLine is a position in the learner's code, relative to the root.
var learnerLine = regexp.MustCompile(`(?:^|[\s(])solutions/[a-z]+/[a-z_]+\.go:\d+`)

// checkTeaches checks that a failing spec's message teaches: it names a
// section of its lesson's text that exists; a hang says where the learner's
// code is stuck; a race names two lines of the learner's, and no absolute
// path.
func checkTeaches(t *testing.T, l *course.Lesson, what string, s runner.Spec) {
	t.Helper()
	if s.Status == runner.Passed || s.Status == runner.NotRun {
		return
	}
	m := sectionRef.FindStringSubmatch(s.Message)
	if m == nil {
		t.Errorf("%s: the failure of %q (%s) names no section to read:\n%s", what, s.FullText, s.Status, s.Message)
		return
	}
	if m[1] != filepath.ToSlash(l.Readme("en")) {
		t.Errorf("%s: the failure of %q sends the learner to %s, not to lesson %s's text", what, s.FullText, m[1], l.ID)
	}
	if !hasHeading(t, l.Readme("en"), m[2]) {
		t.Errorf("%s: the failure of %q names section %q, which %s does not have", what, s.FullText, m[2], l.Readme("en"))
	}
	switch s.Status {
	case runner.TimedOut:
		if !learnerLine.MatchString(s.Message) {
			t.Logf("%s: the hang of %q names no line of the learner's:\n%s", what, s.FullText, s.Message)
		}
	case runner.Race:
		// Two lines of the learner's: both racing lines when both are in
		// the learner's code; when the other access is the spec's (reading
		// what a goroutine of the learner's still writes), the learner's
		// function that started that goroutine and returned before it
		// ended; a race inside a sync primitive (a WaitGroup's Add racing
		// its Wait), with no frame of the learner's in the detector's
		// report, names the learner's calls of the primitive all the same
		// (racereport finds them from the spec's calls).
		if learner := len(learnerLine.FindAllString(s.Message, -1)); learner < 2 {
			t.Errorf("%s: the race in %q names %d line(s) of the learner's, not two:\n%s", what, s.FullText, learner, s.Message)
		}
		if strings.Contains(s.Message, "/"+filepath.Base(absRoot(t))+"/") {
			t.Errorf("%s: the race in %q shows an absolute path:\n%s", what, s.FullText, s.Message)
		}
	}
}

func hasHeading(t *testing.T, readme, section string) bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, readme))
	if err != nil {
		t.Errorf("reading %s: %v", readme, err)
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") && strings.TrimSpace(strings.TrimLeft(line, "#")) == section {
			return true
		}
	}
	return false
}

func absRoot(t *testing.T) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
