// Package wire is the protocol between a lesson's test process (the spec
// harness) and the process that grades it (the runner): the environment
// that opens the results channel, the lines sent on it, and the subset of
// Ginkgo's JSON report the runner reads. It depends on the standard library
// only, so that the CLI can speak it without linking Ginkgo.
//
// The channel: the runner starts the test process with ResultsEnv set to
// "<fd> <nonce>". On Unix fd is 3, a file the runner opened and passed to
// the process and that nothing else in it knows about; where no extra
// descriptor can be passed (Windows) it is 2, standard error. The harness
// writes every line as "@@autoroute:<nonce>:<kind> <payload>". The nonce is
// fresh for each process; a line without it is output like any other. Learner
// code can neither reach the descriptor nor read the nonce: the static check
// (package allowlist) refuses every API that opens a descriptor, writes to a
// numbered one, reads the environment or reads memory it was not given.
//
// On standard error the harness also marks where each spec begins and ends
// (kinds Begin and Finish, payload the spec's sequence number), so that the
// runner can pin a data-race report, which the race detector writes there,
// on the spec that was running.
package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// ResultsEnv carries "<fd> <nonce>" to the test process.
const ResultsEnv = "AUTOROUTE_RESULTS"

// Prefix starts every line of the protocol.
const Prefix = "@@autoroute:"

// The kinds of line.
const (
	Config = "config" // payload: Config as JSON, once, before any spec
	Start  = "start"  // payload: Started as JSON
	End    = "end"    // payload: Ended as JSON
	Done   = "done"   // no payload: the suite ran to its end
	Begin  = "begin"  // on standard error: payload the spec's Seq
	Finish = "finish" // on standard error: payload the spec's Seq
)

// Line formats one line of the protocol, newline included.
func Line(nonce, kind, payload string) string {
	return Prefix + nonce + ":" + kind + " " + payload + "\n"
}

// Parse reads one line (without its newline). ok is false when the line is
// not the protocol's or carries another nonce.
func Parse(nonce, line string) (kind, payload string, ok bool) {
	rest, found := strings.CutPrefix(line, Prefix+nonce+":")
	if !found || nonce == "" {
		return "", "", false
	}
	kind, payload, _ = strings.Cut(rest, " ")
	return kind, payload, true
}

// FormatEnv is the value of ResultsEnv.
func FormatEnv(fd int, nonce string) string { return strconv.Itoa(fd) + " " + nonce }

// ParseEnv reads the value of ResultsEnv.
func ParseEnv(v string) (fd int, nonce string, err error) {
	f, n, ok := strings.Cut(v, " ")
	if !ok || n == "" {
		return 0, "", fmt.Errorf("%s=%q: want \"<fd> <nonce>\"", ResultsEnv, v)
	}
	fd, err = strconv.Atoi(f)
	if err != nil || fd < 1 {
		return 0, "", fmt.Errorf("%s=%q: want \"<fd> <nonce>\"", ResultsEnv, v)
	}
	return fd, n, nil
}

// SuiteConfig is what the suite ran with, as Ginkgo parsed it: the harness
// reports it before the first spec, and the runner rejects a run whose
// configuration is not the one it asked for.
type SuiteConfig struct {
	DryRun             bool     `json:"dry_run"`
	Focus              []string `json:"focus"`
	Skip               []string `json:"skip"`
	FocusFiles         []string `json:"focus_files"`
	SkipFiles          []string `json:"skip_files"`
	LabelFilter        string   `json:"label_filter"`
	SemVerFilter       string   `json:"sem_ver_filter"`
	Seed               int64    `json:"seed"`
	RandomizeAll       bool     `json:"randomize_all"`
	FailFast           bool     `json:"fail_fast"`
	FlakeAttempts      int      `json:"flake_attempts"`
	MustPassRepeatedly int      `json:"must_pass_repeatedly"`
	ParallelTotal      int      `json:"parallel_total"`
}

// Started is the payload of a Start line.
type Started struct {
	Seq  int    `json:"seq"`  // 1 for the first spec the process runs
	Spec string `json:"spec"` // the full text
}

// Ended is the payload of an End line.
type Ended struct {
	Seq      int      `json:"seq"`
	Spec     string   `json:"spec"`    // the full text, as in Started
	Labels   []string `json:"labels"`  // the first is the exercise id
	State    string   `json:"state"`   // Ginkgo's: passed, failed, panicked, timedout, interrupted...
	Reason   string   `json:"reason"`  // the harness's finer diagnosis, if any (see the Reason constants)
	Message  string   `json:"message"` // the first failure's message
	Location string   `json:"location"`
}

// Reasons the harness records for a failed spec, finer than Ginkgo's state.
const (
	ReasonStub    = "stub"    // the learner's function still panics with TODO
	ReasonPanic   = "panic"   // the learner's code panicked
	ReasonTimeout = "timeout" // the learner's call never returned: a deadlock or a wait on the wrong clock
	ReasonLeak    = "leak"    // goroutines outlived the spec
)
