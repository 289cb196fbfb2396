package hangreport

import (
	"os"
	"strings"
	"testing"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// source stands for the learner's files on disk.
func source(lines map[string]string) func(string, int) string {
	return func(file string, line int) string {
		for suffix, text := range lines {
			if strings.HasSuffix(file+":"+itoa(line), suffix) {
				return text
			}
		}
		return ""
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestParseReadsFramesAndCreators(t *testing.T) {
	gs := Parse(fixture(t, "race-wait.dump"))
	if len(gs) != 8 {
		t.Fatalf("want 8 goroutines, got %d", len(gs))
	}
	g := gs[2]
	if g.ID != 51 || g.Wait != "sync.WaitGroup.Wait" {
		t.Errorf("goroutine 51: got id %d, wait %q", g.ID, g.Wait)
	}
	if len(g.Frames) != 5 || g.Frames[2].Func != "autoroute/solutions/choose.Race[...]" || g.Frames[2].Line != 41 {
		t.Errorf("goroutine 51's frames: %+v", g.Frames)
	}
	if g.Creator.Func != "autoroute/internal/harness.Go[...]" || g.CreatorGoroutine != 40 || g.Creator.Line != 234 {
		t.Errorf("goroutine 51's creator: %+v in %d", g.Creator, g.CreatorGoroutine)
	}
	if gs[5].Frames[4].Func != "autoroute/solutions/choose.(*Relay).Put" {
		t.Errorf("a method on a pointer keeps its receiver: %q", gs[5].Frames[4].Func)
	}
}

func TestDescribeNamesTheLearnersLinesInWords(t *testing.T) {
	got := Describe(fixture(t, "race-wait.dump"), Options{
		Package: "autoroute/solutions/",
		Root:    "/home/ada/autoroute",
		Skip:    map[int]bool{61: true}, // alive before the spec
		Source: source(map[string]string{
			"race.go:41":  "\twg.Wait()",
			"race.go:36":  "\t\t\tresults <- f(ctx)",
			"relay.go:20": "\tr.mu.Lock()",
		}),
	})
	want := "Where your code is stuck:\n" +
		"  - choose.Race, called by the spec, is blocked in wg.Wait(), for goroutines that have not called Done (`wg.Wait()`) at solutions/choose/race.go:41.\n" +
		"  - choose.(*Relay).Put, called by the spec, is blocked locking a mutex that is already held (an Unlock missing, or a Lock taken twice) (`r.mu.Lock()`) at solutions/choose/relay.go:20.\n" +
		"  - 2 goroutines started by choose.Race at solutions/choose/race.go:33 are blocked sending on a channel nobody receives from (`results <- f(ctx)`) at solutions/choose/race.go:36, in choose.Race."
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	for _, leftOut := range []string{"harness", "ginkgo", "/home/ada", "fakes/clock", "first.go"} {
		if strings.Contains(got, leftOut) {
			t.Errorf("the description mentions %q:\n%s", leftOut, got)
		}
	}
}

func TestASourceLineThatDoesNotFitIsLeftOut(t *testing.T) {
	// go test -overlay compiles another file under the learner's file's
	// name: the line on disk is not the line that ran.
	got := Describe(fixture(t, "race-wait.dump"), Options{
		Package: "autoroute/solutions/",
		Root:    "/home/ada/autoroute",
		Source:  source(map[string]string{"race.go:36": "\t// TODO(select): start one goroutine per function"}),
	})
	if strings.Contains(got, "TODO") {
		t.Errorf("a line that cannot block on a send was quoted:\n%s", got)
	}
	if !strings.Contains(got, "solutions/choose/race.go:36") {
		t.Errorf("the position is missing:\n%s", got)
	}
}

func TestNoLearnerGoroutineMeansNoDescription(t *testing.T) {
	if got := Describe(fixture(t, "race-wait.dump"), Options{Package: "autoroute/solutions/nothere/"}); got != "" {
		t.Errorf("want no description, got:\n%s", got)
	}
}

func TestRelativeNeverGivesAnAbsolutePath(t *testing.T) {
	for file, want := range map[string]string{
		"/home/ada/autoroute/solutions/task/seed.go":        "solutions/task/seed.go",
		"/tmp/build/solutions/task/seed.go":                 "solutions/task/seed.go",
		"/home/ada/solutions/course/solutions/task/seed.go": "solutions/task/seed.go",
		"/home/ada/autoroute/fakes/clock/fake.go":           "fakes/clock/fake.go",
		"/usr/local/go/src/sync/waitgroup.go":               "waitgroup.go",
	} {
		if got := Relative("/home/ada/autoroute", file); got != want {
			t.Errorf("Relative(%q) = %q, want %q", file, got, want)
		}
	}
}

func TestShortNamesReadLikeACallSite(t *testing.T) {
	for fn, want := range map[string]string{
		"autoroute/solutions/choose.Race[...].func1":               "choose.Race",
		"autoroute/solutions/executor.(*Executor).lane":            "executor.(*Executor).lane",
		"autoroute/solutions/executor.New.gowrap1":                 "executor.New",
		"autoroute/solutions/task.(*JoinSet[...]).Spawn.func2.1":   "task.(*JoinSet).Spawn",
		"sync.(*WaitGroup).Wait":                                   "sync.(*WaitGroup).Wait",
		"autoroute/solutions/future.(*Future[go.shape.int]).Await": "future.(*Future).Await",
		"autoroute/solutions/task.Go[go.shape.[]int].func1":        "task.Go",
	} {
		if got := short(fn); got != want {
			t.Errorf("short(%q) = %q, want %q", fn, got, want)
		}
	}
}
