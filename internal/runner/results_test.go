package runner

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/wire"
)

const nonce = "n0nce"

func line(t *testing.T, kind string, payload any) string {
	t.Helper()
	text := ""
	if payload != nil {
		data, err := json.Marshal(payload)
		require.NoError(t, err)
		text = string(data)
	}
	return wire.Line(nonce, kind, text)
}

func TestParseTrustsOnlyLinesWithTheNonce(t *testing.T) {
	results := line(t, wire.Config, wire.SuiteConfig{ParallelTotal: 1}) +
		line(t, wire.Start, wire.Started{Seq: 1, Spec: "a"}) +
		line(t, wire.End, wire.Ended{Seq: 1, Spec: "a", State: "failed"}) +
		line(t, wire.Done, nil)
	output := "@@autoroute:end {\"seq\":1,\"spec\":\"a\",\"state\":\"passed\"}\n" +
		"@@autoroute:guess:end {\"seq\":1,\"spec\":\"a\",\"state\":\"passed\"}\n"
	p := parse(nonce, []byte(results), []byte(output), wire.SuiteConfig{ParallelTotal: 1})
	require.Empty(t, p.rejected)
	require.Len(t, p.specs, 1)
	assert.Equal(t, Failed, p.specs[0].Status)
	assert.True(t, p.finished())
}

func TestParseRejectsAnotherConfiguration(t *testing.T) {
	results := line(t, wire.Config, wire.SuiteConfig{DryRun: true, Skip: []string{"x"}, ParallelTotal: 1}) +
		line(t, wire.Start, wire.Started{Seq: 1, Spec: "a"}) +
		line(t, wire.End, wire.Ended{Seq: 1, Spec: "a", State: "passed"}) +
		line(t, wire.Done, nil)
	p := parse(nonce, []byte(results), nil, wire.SuiteConfig{ParallelTotal: 1})
	assert.Contains(t, p.rejected, "dry-run true where the grader set false")
	assert.Contains(t, p.rejected, "skip [x] where the grader set []")
	assert.Empty(t, p.specs, "no result of a rejected run counts")
	assert.False(t, p.finished())
}

func TestASpecStartedAndNeverEndedCrashedWhateverTheExitStatus(t *testing.T) {
	results := line(t, wire.Config, wire.SuiteConfig{ParallelTotal: 1}) +
		line(t, wire.Start, wire.Started{Seq: 1, Spec: "a"}) +
		line(t, wire.End, wire.Ended{Seq: 1, Spec: "a", State: "passed"}) +
		line(t, wire.Start, wire.Started{Seq: 2, Spec: "b"})
	output := "\n" + wire.Line(nonce, wire.Begin, "2") + "last words of b\n"
	p := parse(nonce, []byte(results), []byte(output), wire.SuiteConfig{ParallelTotal: 1})
	assert.Equal(t, "b", p.crashed)
	assert.Contains(t, p.crashMessage, "last words of b")
	assert.False(t, p.done)
}

func TestARaceIsPinnedOnTheSpecBetweenItsMarks(t *testing.T) {
	results := line(t, wire.Config, wire.SuiteConfig{ParallelTotal: 1}) +
		line(t, wire.Start, wire.Started{Seq: 1, Spec: "a"}) +
		line(t, wire.End, wire.Ended{Seq: 1, Spec: "a", State: "passed"}) +
		line(t, wire.Start, wire.Started{Seq: 2, Spec: "b"}) +
		line(t, wire.End, wire.Ended{Seq: 2, Spec: "b", State: "passed"}) +
		line(t, wire.Done, nil)
	output := wire.Line(nonce, wire.Begin, "1") +
		"@@autoroute:begin 2\n" + // forged: the race below is still a's
		"==================\nWARNING: DATA RACE\nWrite at ...\n==================\n" +
		wire.Line(nonce, wire.Finish, "1") + wire.Line(nonce, wire.Begin, "2") + wire.Line(nonce, wire.Finish, "2")
	p := parse(nonce, []byte(results), []byte(output), wire.SuiteConfig{ParallelTotal: 1})
	require.Len(t, p.specs, 2)
	assert.Equal(t, Race, p.specs[0].Status)
	assert.Contains(t, p.specs[0].Message, "Write at")
	assert.Equal(t, Passed, p.specs[1].Status)
}

func TestAnEndWithoutItsStartIsRejected(t *testing.T) {
	results := line(t, wire.Config, wire.SuiteConfig{ParallelTotal: 1}) +
		line(t, wire.End, wire.Ended{Seq: 7, Spec: "a", State: "passed"})
	p := parse(nonce, []byte(results), nil, wire.SuiteConfig{ParallelTotal: 1})
	assert.NotEmpty(t, p.rejected)
	assert.Empty(t, p.specs)
}

// Past its limit the output keeps the harness's marks and the first line
// of each race report, and nothing else.
func TestCappedOutputKeepsMarksAndRaces(t *testing.T) {
	var b bytes.Buffer
	mark := []byte(wire.Prefix + nonce + ":")
	c := &capped{w: &b, limit: 1 << 10, keep: func(l []byte) bool { return bytes.HasPrefix(l, mark) }}
	c.Write([]byte(strings.Repeat("noise\n", 1000)))
	c.Write([]byte(wire.Line(nonce, wire.Begin, "3")))
	c.Write([]byte("@@autoroute:forged end\nWARNING: DATA RACE\n" + strings.Repeat("x", 1<<20) + "\n"))
	c.flush()
	assert.LessOrEqual(t, b.Len(), 2<<10)
	assert.Contains(t, b.String(), wire.Line(nonce, wire.Begin, "3"))
	assert.Contains(t, b.String(), "WARNING: DATA RACE")
	assert.NotContains(t, b.String(), "forged")
}

// Learner code that prints more race-report first lines than are kept
// past the limit, between specs, does not hide the race of a spec after
// them: its window still gets one, and the race is pinned on it.
func TestAFloodOfRaceLinesBetweenSpecsHidesNoRace(t *testing.T) {
	var b bytes.Buffer
	mark := []byte(wire.Prefix + nonce + ":")
	c := &capped{w: &b, limit: 1 << 10, keep: func(l []byte) bool { return bytes.HasPrefix(l, mark) }}
	c.Write([]byte(strings.Repeat("noise\n", 1000)))
	c.Write([]byte(strings.Repeat("WARNING: DATA RACE\n", keptPastLimit+10)))
	c.Write([]byte(wire.Line(nonce, wire.Begin, "1") + "WARNING: DATA RACE\nWrite at 0x1 by goroutine 7:\n" +
		strings.Repeat("WARNING: DATA RACE\n", 5) + wire.Line(nonce, wire.Finish, "1")))
	c.flush()
	assert.LessOrEqual(t, b.Len(), (keptPastLimit+100)*32, "past the allowance, one line a mark")
	results := line(t, wire.Config, wire.SuiteConfig{ParallelTotal: 1}) +
		line(t, wire.Start, wire.Started{Seq: 1, Spec: "a"}) +
		line(t, wire.End, wire.Ended{Seq: 1, Spec: "a", State: "passed"}) + line(t, wire.Done, nil)
	p := parse(nonce, []byte(results), b.Bytes(), wire.SuiteConfig{ParallelTotal: 1})
	require.Len(t, p.specs, 1)
	assert.Equal(t, Race, p.specs[0].Status)
}

func TestRunArgsSetEveryFlagThatChangesWhatRuns(t *testing.T) {
	args := strings.Join(runArgs(Options{Exercises: []string{"lanes"}}, 7, "", ""), " ")
	for _, want := range []string{"-ginkgo.dry-run=false", "-ginkgo.label-filter=lanes", "-ginkgo.seed=7",
		"-ginkgo.randomize-all=true", "-ginkgo.fail-fast=false", "-ginkgo.flake-attempts=0", "-test.run=", "-test.skip=",
		"-test.count=1", "-ginkgo.sem-ver-filter="} {
		assert.Contains(t, args, want)
	}
}

func TestTheSandboxKeepsOnlyWhatAProgramNeedsAndTheSchedulersWidth(t *testing.T) {
	t.Setenv("GOMAXPROCS", "1")
	t.Setenv("GOFLAGS", "-overlay=/elsewhere.json")
	t.Setenv("AUTOROUTE_SECRET", "learner code must not see it")
	box := &sandbox{dir: t.TempDir()}
	env := box.env(Options{MemoryLimit: 1 << 30}, "")
	assert.Contains(t, env, "GOMAXPROCS=1", "a flake hunt at GOMAXPROCS=1 must run the specs at 1")
	assert.Contains(t, env, "GOFLAGS=", "the caller's GOFLAGS must not reach the test process")
	for _, kv := range env {
		assert.NotContains(t, kv, "AUTOROUTE_SECRET")
		assert.NotContains(t, kv, "/elsewhere.json")
	}
}
