package racereport

import (
	"os"
	"path/filepath"
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

var metrics = Options{
	Package: "autoroute/solutions/",
	Root:    "/home/ada/autoroute",
	Readme:  "lessons/01-runtime/README.md",
	Section: "metrics",
}

func TestParseReadsBothAccessesAndTheirGoroutines(t *testing.T) {
	races := Parse(fixture(t, "metrics.race"))
	if len(races) != 2 {
		t.Fatalf("want 2 races, got %d", len(races))
	}
	r := races[0]
	if r.Current.Kind != "read" || r.Current.Goroutine != 313 || r.Current.Frames[0].Line != 10 {
		t.Errorf("current access: %+v", r.Current)
	}
	if r.Previous.Kind != "write" || !r.Previous.Previous || r.Previous.Goroutine != 111 || len(r.Previous.Frames) != 4 {
		t.Errorf("previous access: %+v", r.Previous)
	}
	if len(r.Creations) != 2 || r.Creations[1].Goroutine != 111 || r.Creations[1].Frames[0].Func != "autoroute/solutions/executor.New" {
		t.Errorf("creations: %+v", r.Creations)
	}
}

func TestRewriteNamesTheTwoLearnerLinesInWords(t *testing.T) {
	got := Rewrite(fixture(t, "metrics.race"), metrics)
	want := "A data race: two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
		"  - a read in executor.(*Executor).Metrics at solutions/executor/metrics.go:10, on a goroutine the spec started.\n" +
		"  - an earlier write in executor.(*Executor).runSafely at solutions/executor/panics.go:21, on the goroutine started by executor.New at solutions/executor/lanes.go:37.\n" +
		"Nothing makes one of these happen before the other. Guard both with the same mutex, or hand the value from one goroutine to the other over a channel (or, for a lone counter, use sync/atomic on both sides).\n" +
		"The race detector saw 1 more pair(s) of racing lines: solutions/executor/metrics.go:11 and solutions/executor/panics.go:25.\n" +
		"(Read lessons/01-runtime/README.md, section \"metrics\".)"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	for _, leftOut := range []string{"/home/ada", "harness", "ginkgo", "0x", "goroutine 313"} {
		if strings.Contains(got, leftOut) {
			t.Errorf("the rewrite mentions %q", leftOut)
		}
	}
}

func TestMixedAtomicAndPlainAccessesSaySo(t *testing.T) {
	raw := strings.Join([]string{
		"==================",
		"WARNING: DATA RACE",
		"Atomic write at 0x00c0000b6010 by goroutine 9:",
		"  sync/atomic.AddInt64()",
		"      /usr/local/go/src/runtime/race_amd64.s:289 +0xb",
		"  autoroute/solutions/task.(*JoinSet).Spawn.func1()",
		"      /home/ada/autoroute/solutions/task/joinset.go:40 +0x44",
		"",
		"Previous read at 0x00c0000b6010 by main goroutine:",
		"  autoroute/solutions/task.(*JoinSet).Len()",
		"      /home/ada/autoroute/solutions/task/joinset.go:70 +0x3a",
		"",
		"Goroutine 9 (finished) created at:",
		"  autoroute/solutions/task.(*JoinSet).Spawn()",
		"      /home/ada/autoroute/solutions/task/joinset.go:38 +0x1c4",
		"==================",
	}, "\n")
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: "/home/ada/autoroute"})
	for _, want := range []string{
		"an atomic write in task.(*JoinSet).Spawn at solutions/task/joinset.go:40, on the goroutine started by task.(*JoinSet).Spawn at solutions/task/joinset.go:38.",
		"an earlier read in task.(*JoinSet).Len at solutions/task/joinset.go:70, on the test's main goroutine.",
		"atomics order only atomics",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestNoRaceNoRewrite(t *testing.T) {
	if got := Rewrite("ok  \tautoroute/specs/runtime\t0.1s\n", metrics); got != "" {
		t.Errorf("got %q", got)
	}
}

func TestASpecSideAccessIsNamedAsTheSpecs(t *testing.T) {
	raw := strings.Join([]string{
		"WARNING: DATA RACE",
		"Read at 0x00c0000b6010 by goroutine 9:",
		"  autoroute/specs/tcpserver_test.init.func7.3()",
		"      /home/ada/autoroute/specs/tcpserver/shutdown_test.go:407 +0x44",
		"",
		"Previous write at 0x00c0000b6010 by goroutine 8:",
		"  autoroute/solutions/server.(*Server).answer()",
		"      /home/ada/autoroute/solutions/server/response.go:79 +0x3a",
		"==================",
	}, "\n")
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: "/home/ada/autoroute"})
	if !strings.Contains(got, "a read in the spec's own code at specs/tcpserver/shutdown_test.go:407") ||
		!strings.Contains(got, "an earlier write in server.(*Server).answer at solutions/server/response.go:79") {
		t.Errorf("got:\n%s", got)
	}
}

// waitgroupTree copies testdata/waitgroup (a spec and a learner's package
// whose Spawn calls Add after unlocking) into a module of its own, and
// returns its root and the race detector's report of that race, with the
// positions the report would have there.
func waitgroupTree(t *testing.T) (string, string) {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/waitgroup")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "go.mod.txt"), filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	return root, strings.ReplaceAll(fixture(t, "waitgroup.race"), "ROOT", root)
}

// A race inside a WaitGroup is reported with no frame of the learner's:
// the words still name the learner's Add and Wait, found in the source
// from the spec's calls.
func TestARaceInsideAWaitGroupNamesTheLearnersAddAndWait(t *testing.T) {
	root, raw := waitgroupTree(t)
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: root, Readme: "lessons/01-runtime/README.md", Section: "shutdown"})
	for _, want := range []string{
		"  - a write inside e.senders.Wait() at solutions/executor/executor.go:22, in executor.(*Executor).Shutdown (the spec called it at specs/runtime/shutdown_test.go:12), on a goroutine the spec started.\n",
		"  - an earlier read inside e.senders.Add(1) at solutions/executor/executor.go:14, in executor.(*Executor).Spawn (the spec called it at specs/runtime/shutdown_test.go:9), on a goroutine the spec started.\n",
		"A WaitGroup's Add raced its Wait",
		"(Read lessons/01-runtime/README.md, section \"shutdown\".)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the rewrite does not say %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, root) {
		t.Errorf("an absolute path:\n%s", got)
	}
}

// The runner swaps files in with overlays: the source read is the one
// that ran.
func TestARaceInsideAWaitGroupReadsTheSourceThatRan(t *testing.T) {
	root, raw := waitgroupTree(t)
	ran := "package executor\n\n// moved down two lines\n\n" + strings.TrimPrefix(fixture(t, "waitgroup/solutions/executor/executor.go"), "package executor\n")
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: root, Source: func(path string) ([]byte, error) {
		if filepath.Base(path) == "executor.go" {
			return []byte(ran), nil
		}
		return os.ReadFile(path)
	}})
	if !strings.Contains(got, "e.senders.Wait() at solutions/executor/executor.go:25") {
		t.Errorf("the rewrite does not read the overlaid source:\n%s", got)
	}
}

// An ordinary access by the spec's own code is not looked for in the
// learner's source.
func TestAnAccessInTheSpecsOwnCodeStaysTheSpecs(t *testing.T) {
	root, raw := waitgroupTree(t)
	raw = strings.Replace(raw, "  runtime.racewrite()\n      <autogenerated>:1 +0x1e\n", "", 1)
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: root})
	if !strings.Contains(got, "a write in the spec's own code at specs/runtime/shutdown_test.go:12") {
		t.Errorf("the spec's own write is not named as the spec's:\n%s", got)
	}
}

// A goroutine the learner's code started through a WaitGroup's Go is the
// learner's: its creation names the learner's line, not sync's.
func TestAGoroutineStartedThroughWaitGroupGoIsTheLearners(t *testing.T) {
	raw := `==================
WARNING: DATA RACE
Read at 0x00c0005ba0af by goroutine 5874:
  autoroute/specs/tcpserver_test.init.func12.9()
      /home/ada/autoroute/specs/tcpserver/shutdown_test.go:416 +0xdee

Previous write at 0x00c0005ba0af by goroutine 5879:
  autoroute/specs/tcpserver_test.init.func12.9.1()
      /home/ada/autoroute/specs/tcpserver/shutdown_test.go:397 +0xbd
  autoroute/solutions/server.(*Server).answer()
      /home/ada/autoroute/solutions/server/response.go:80 +0xe9

Goroutine 5879 (finished) created at:
  sync.(*WaitGroup).Go()
      /usr/local/go/src/sync/waitgroup.go:238 +0x72
  autoroute/solutions/server.(*Server).Serve()
      /home/ada/autoroute/solutions/server/shutdown.go:29 +0x34e
  autoroute/specs/tcpserver_test.startServerOn.func1()
      /home/ada/autoroute/specs/tcpserver/shutdown_test.go:64 +0x46
==================
`
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: "/home/ada/autoroute"})
	want := "an earlier write in server.(*Server).answer at solutions/server/response.go:80, on the goroutine started by server.(*Server).Serve at solutions/server/shutdown.go:29."
	if !strings.Contains(got, want) {
		t.Errorf("the rewrite does not say %q:\n%s", want, got)
	}
}

// earlyTree copies testdata/early (a Race that returns without waiting for
// the goroutines it started) into a module of its own, and returns its root
// and the race detector's report of the spec reading what a loser still
// writes, with the positions the report would have there.
func earlyTree(t *testing.T) (string, string) {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/early")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "go.mod.txt"), filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	return root, strings.ReplaceAll(fixture(t, "early.race"), "ROOT", root)
}

// The spec reads what a goroutine of the learner's still writes, after
// the learner's function returned: the second line named is that
// function's, with what it should have waited for.
func TestARaceWithAGoroutineLeftRunningNamesTheFunctionThatStartedIt(t *testing.T) {
	root, raw := earlyTree(t)
	got := Rewrite(raw, Options{Package: "autoroute/solutions/", Root: root, Readme: "lessons/04-select/README.md", Section: "race"})
	want := "A data race: two goroutines used the same memory at the same time, and at least one of them wrote to it.\n" +
		"  - a read in the spec's own code at specs/select/race_test.go:122, on a goroutine the spec started.\n" +
		"  - an earlier write in choose.Race at solutions/choose/race.go:17, on a goroutine choose.Race started.\n" +
		"choose.Race, declared at solutions/choose/race.go:10, started the goroutine that runs race.go:17, and returned " +
		"(or let the spec go on) while that goroutine still ran: the spec then used what it was still using. A function " +
		"must wait for what it started before it returns (a sync.WaitGroup's Wait, or a receive of each goroutine's " +
		"result), or hand it over to its caller with a way to wait for it.\n" +
		"(Read lessons/04-select/README.md, section \"race\".)"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, root) {
		t.Errorf("an absolute path:\n%s", got)
	}

	// The declaration is read from the source that ran (an overlay).
	ran := "// moved down two lines\n\n" + fixture(t, "early/solutions/choose/race.go")
	got = Rewrite(raw, Options{Package: "autoroute/solutions/", Root: root, Source: func(path string) ([]byte, error) {
		if filepath.Base(path) == "race.go" {
			return []byte(ran), nil
		}
		return os.ReadFile(path)
	}})
	if !strings.Contains(got, "choose.Race, declared at solutions/choose/race.go:12,") {
		t.Errorf("the rewrite does not read the overlaid source:\n%s", got)
	}
}

// A learner's function that races the spec from its own body, or a
// function literal of the learner's that the spec called itself (not the
// body of a goroutine the learner's code started), gets no such sentence.
func TestARaceInTheLearnersOwnFunctionIsNotCalledEarly(t *testing.T) {
	root, raw := earlyTree(t)
	for name, edit := range map[string]func(string) string{
		"its own body": func(raw string) string {
			return strings.Replace(raw, "choose.Race[go.shape.string].func1()", "choose.Race[go.shape.string]()", 1)
		},
		"called by the spec": func(raw string) string {
			return strings.Replace(raw, "/solutions/choose/race.go:17 +0x4f\n",
				"/solutions/choose/race.go:17 +0x4f\n  autoroute/specs/select_test.stop()\n      "+root+"/specs/select/race_test.go:90 +0x10\n", 1)
		},
	} {
		got := Rewrite(edit(raw), Options{Package: "autoroute/solutions/", Root: root})
		if !strings.Contains(got, "choose.Race at solutions/choose/race.go:17") || strings.Contains(got, "declared at") ||
			!strings.Contains(got, "Nothing makes one of these happen before the other.") {
			t.Errorf("%s: got:\n%s", name, got)
		}
	}
}

// A learner's package whose path looks like the kit's own (the harness's
// fixture lessons live under autoroute/internal/) is still the learner's
// where its goroutines were started.
func TestALearnersPackageUnderInternalStartsItsGoroutines(t *testing.T) {
	raw := `WARNING: DATA RACE
Read at 0x00c0000a3dc8 by goroutine 30:
  autoroute/internal/harness/testdata/course/solutions/fxraces.Count.func1()
      /home/ada/autoroute/internal/harness/testdata/course/solutions/fxraces/count.go:16 +0x7b

Previous write at 0x00c0000a3dc8 by goroutine 27:
  autoroute/internal/harness/testdata/course/solutions/fxraces.Count.func1()
      /home/ada/autoroute/internal/harness/testdata/course/solutions/fxraces/count.go:16 +0x8d

Goroutine 30 (running) created at:
  autoroute/internal/harness/testdata/course/solutions/fxraces.Count()
      /home/ada/autoroute/internal/harness/testdata/course/solutions/fxraces/count.go:14 +0x84
  autoroute/internal/harness/testdata/course/specs/races_test.init.func1.1.1()
      /home/ada/autoroute/internal/harness/testdata/course/specs/races/count_test.go:14 +0x24
==================
`
	got := Rewrite(raw, Options{Package: "autoroute/internal/harness/testdata/course/solutions/", Root: "/home/ada/autoroute"})
	want := "a read in fxraces.Count at internal/harness/testdata/course/solutions/fxraces/count.go:16, on the goroutine " +
		"started by fxraces.Count at internal/harness/testdata/course/solutions/fxraces/count.go:14."
	if !strings.Contains(got, want) {
		t.Errorf("the rewrite does not say %q:\n%s", want, got)
	}
}
