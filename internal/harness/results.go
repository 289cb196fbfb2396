package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"autoroute/internal/wire"
)

// The results channel (see package wire): where the grader reads what each
// spec did. It is opened from the environment when the suite starts and
// the variable is removed, so nothing started later finds it there.
var results struct {
	mu    sync.Mutex
	w     io.Writer // nil when the suite runs without a grader
	nonce string
	seq   int // the running spec's number
}

// openResults opens the channel the grader asked for, if it asked.
func openResults() {
	v, ok := os.LookupEnv(wire.ResultsEnv)
	if !ok {
		return
	}
	os.Unsetenv(wire.ResultsEnv)
	fd, nonce, err := wire.ParseEnv(v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "autoroute harness:", err)
		return
	}
	results.nonce = nonce
	if fd == 2 {
		results.w = os.Stderr
		return
	}
	results.w = os.NewFile(uintptr(fd), "autoroute-results")
}

// send writes one line on the channel, in one write.
func send(kind string, payload any) {
	if results.w == nil {
		return
	}
	text := ""
	if payload != nil {
		data, err := json.Marshal(payload)
		if err != nil {
			data, _ = json.Marshal(wire.Ended{State: "failed", Message: "cannot encode the spec's report: " + err.Error()})
		}
		text = string(data)
	}
	results.w.Write([]byte(wire.Line(results.nonce, kind, text)))
}

// mark writes a spec's beginning or end on standard error, where the race
// detector writes its reports.
func mark(kind string, seq int) {
	if results.w == nil {
		return
	}
	os.Stderr.Write([]byte("\n" + wire.Line(results.nonce, kind, fmt.Sprint(seq))))
}

// reportConfig sends the configuration the suite runs with.
func reportConfig(c types.SuiteConfig) {
	results.mu.Lock()
	defer results.mu.Unlock()
	send(wire.Config, wire.SuiteConfig{
		DryRun: c.DryRun, Focus: c.FocusStrings, Skip: c.SkipStrings, FocusFiles: c.FocusFiles, SkipFiles: c.SkipFiles,
		LabelFilter: c.LabelFilter, SemVerFilter: c.SemVerFilter, Seed: c.RandomSeed, RandomizeAll: c.RandomizeAllSpecs,
		FailFast: c.FailFast, FlakeAttempts: c.FlakeAttempts, MustPassRepeatedly: c.MustPassRepeatedly,
		ParallelTotal: c.ParallelTotal,
	})
}

// registerResults reports each spec's start and end, and the suite's end.
func registerResults() {
	ginkgo.ReportBeforeEach(func(r ginkgo.SpecReport) {
		results.mu.Lock()
		defer results.mu.Unlock()
		results.seq++
		send(wire.Start, wire.Started{Seq: results.seq, Spec: r.FullText()})
		mark(wire.Begin, results.seq)
	})
	ginkgo.ReportAfterEach(func(r ginkgo.SpecReport) {
		results.mu.Lock()
		defer results.mu.Unlock()
		mark(wire.Finish, results.seq)
		send(wire.End, endOf(results.seq, r))
	})
	ginkgo.ReportAfterSuite("autoroute results", func(ginkgo.Report) {
		results.mu.Lock()
		defer results.mu.Unlock()
		send(wire.Done, nil)
	})
}

func endOf(seq int, r ginkgo.SpecReport) wire.Ended {
	end := wire.Ended{Seq: seq, Spec: r.FullText(), Labels: r.Labels(), State: r.State.String()}
	if r.Failure.Message != "" {
		end.Message = Explain(r) // teach.go: where the code was stuck, the section to read
		end.Location = r.Failure.Location.String()
	}
	for _, e := range r.ReportEntries {
		if e.Name == reasonEntry {
			end.Reason = e.StringRepresentation()
			break
		}
	}
	return end
}

// maxMessage bounds the failure message sent for one spec.
const maxMessage = 32 << 10

// graded reports whether a grader reads this run's results.
func graded() bool { return results.w != nil }
