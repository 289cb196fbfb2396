package runner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"autoroute/internal/wire"
)

// silentDeath is the crash message of a process that printed nothing while
// the spec ran.
const silentDeath = "The test process died while this spec ran, without a word (os.Exit, or log.Fatal?)."

// raceWarning starts every report of the race detector.
const raceWarning = "WARNING: DATA RACE"

// channel is the results channel of one test process. Where a process can
// be handed an extra descriptor (Unix), it is a file opened here and passed
// as descriptor 3; elsewhere the harness writes on standard error, and only
// the nonce tells its lines from the rest.
type channel struct {
	env     string     // the value of wire.ResultsEnv
	extra   []*os.File // for exec.Cmd.ExtraFiles
	path    string     // the file, when there is one
	written *os.File   // the runner's copy of the process's end
}

func openChannel(dir, nonce string) (*channel, error) {
	if !extraFiles {
		return &channel{env: wire.FormatEnv(2, nonce)}, nil
	}
	path := filepath.Join(dir, "results")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the results channel: %w", err)
	}
	return &channel{env: wire.FormatEnv(3, nonce), extra: []*os.File{f}, path: path, written: f}, nil
}

// started closes the runner's copy of the descriptor once the process has
// its own.
func (c *channel) started() {
	if c.written != nil {
		c.written.Close()
		c.written = nil
	}
}

func (c *channel) close() { c.started() }

// read returns what the process wrote on the channel, at most resultsLimit
// bytes; nil when the channel is standard error.
func (c *channel) read() ([]byte, error) {
	if c.path == "" {
		return nil, nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, resultsLimit))
}

type process struct {
	configured   bool   // the harness reported its configuration: the suite started
	done         bool   // the suite ran to its end
	rejected     string // why the run's results cannot be counted
	specs        []Spec // the specs that ended
	interrupted  bool   // the process overran its budget
	crashed      string // the spec running when the process died, if it died
	crashMessage string
	exit         error  // how the process ended
	output       []byte // its output, capped
}

// finished reports whether the process ran the whole suite and ended on
// its own.
func (p *process) finished() bool {
	return p.configured && p.done && p.rejected == "" && p.crashed == "" && !p.interrupted
}

// noStart explains a process that never started its specs.
func (p *process) noStart(budget time.Duration) string {
	if p.interrupted {
		return fmt.Sprintf("The test process did not start its specs within %v and was stopped: something "+
			"blocks while the package loads (an init function or a package-level variable that never finishes?).", budget)
	}
	status := "it exited"
	if p.exit != nil {
		status = "it ended: " + p.exit.Error()
	} else {
		status = "it exited with status 0"
	}
	return fmt.Sprintf("The test process ended before it ran any spec (%s): something in the package ends the "+
		"process while it loads (os.Exit or log.Fatal in an init function or a package-level variable?). %s", status, p.lastWords())
}

// lastWords is the end of the process's output, for a message.
func (p *process) lastWords() string {
	if len(bytes.TrimSpace(p.output)) == 0 {
		return "It printed nothing."
	}
	return "Its last words:\n" + tail(string(p.output), 40)
}

// parse reads what a test process reported: the results channel (results,
// or, when nil, the lines of output that carry the nonce) and its output,
// where the harness marks each spec's beginning and end so that a data
// race report there is pinned on the spec that was running. want is the
// configuration the process had to run with.
func parse(nonce string, results, output []byte, want wire.SuiteConfig) *process {
	p := &process{}
	if results == nil {
		results = output
	}
	started := map[int]string{} // seq -> full text, for specs not ended yet
	var order []int
	ended := map[int]int{} // seq -> index in p.specs
	reject := func(format string, args ...any) {
		if p.rejected == "" {
			p.rejected = "The test process's report cannot be trusted, so none of its results count: " + fmt.Sprintf(format, args...)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(results))
	sc.Buffer(make([]byte, 64<<10), resultsLimit)
	for sc.Scan() {
		kind, payload, ok := wire.Parse(nonce, sc.Text())
		if !ok {
			continue
		}
		switch kind {
		case wire.Config:
			var got wire.SuiteConfig
			if err := json.Unmarshal([]byte(payload), &got); err != nil || p.configured {
				reject("it reported its configuration twice or in a form the grader cannot read.")
				continue
			}
			p.configured = true
			if diff := configDiff(want, got); diff != "" {
				reject("Ginkgo ran with %s. Something changed Ginkgo's settings from inside the process.", diff)
			}
		case wire.Start:
			var s wire.Started
			if err := json.Unmarshal([]byte(payload), &s); err != nil || !p.configured {
				reject("a spec started before the suite did.")
				continue
			}
			if _, dup := started[s.Seq]; dup {
				reject("spec number %d started twice.", s.Seq)
				continue
			}
			started[s.Seq] = s.Spec
			order = append(order, s.Seq)
		case wire.End:
			var e wire.Ended
			if err := json.Unmarshal([]byte(payload), &e); err != nil {
				reject("a spec's end could not be read.")
				continue
			}
			if text, ok := started[e.Seq]; !ok || text != e.Spec {
				reject("spec %q ended without starting.", e.Spec)
				continue
			}
			if _, dup := ended[e.Seq]; dup {
				reject("spec %q ended twice.", e.Spec)
				continue
			}
			if e.State == "skipped" || e.State == "pending" {
				ended[e.Seq] = -1 // skipped by --skip, or after an interrupt: not a result
				continue
			}
			ended[e.Seq] = len(p.specs)
			p.specs = append(p.specs, fromEnd(e))
		case wire.Done:
			p.done = true
		}
	}

	// Output: whose spec each line belongs to.
	during := map[int][]string{}
	raced := map[int]bool{}
	running := 0
	osc := bufio.NewScanner(bytes.NewReader(output))
	osc.Buffer(make([]byte, 64<<10), longestLine+1)
	for osc.Scan() {
		line := osc.Text()
		if kind, payload, ok := wire.Parse(nonce, line); ok {
			seq, _ := strconv.Atoi(strings.TrimSpace(payload))
			switch kind {
			case wire.Begin:
				running = seq
			case wire.Finish:
				running = 0
			}
			continue
		}
		if running == 0 {
			continue
		}
		if lines := during[running]; len(lines) < 2000 {
			during[running] = append(lines, line)
		} else {
			during[running] = append(lines[1:], line)
		}
		if strings.Contains(line, raceWarning) {
			raced[running] = true
		}
	}
	p.output = ownLinesOut(nonce, output)
	for seq, i := range ended {
		if i >= 0 && raced[seq] && p.specs[i].Status == Passed {
			p.specs[i].Status = Race
			p.specs[i].Message = "The race detector found a data race while this spec ran:\n" + raceReport(during[seq])
		}
	}
	for _, seq := range order {
		if _, ok := ended[seq]; !ok && p.rejected == "" {
			// A spec that started and never ended crashed, whatever the
			// process's exit status says.
			p.crashed = started[seq]
			words := during[seq]
			if len(words) == 0 || len(strings.TrimSpace(strings.Join(words, ""))) == 0 {
				p.crashMessage = silentDeath
			} else {
				p.crashMessage = "The test process died while this spec ran. Its last words:\n" + tail(strings.Join(words, "\n"), 40)
			}
			break
		}
	}
	if p.rejected != "" {
		p.specs, p.crashed, p.done = nil, "", false
	}
	return p
}

// configDiff describes how got differs from want ("" when it does not).
func configDiff(want, got wire.SuiteConfig) string {
	var diffs []string
	check := func(name string, w, g any) {
		if fmt.Sprint(w) != fmt.Sprint(g) {
			diffs = append(diffs, fmt.Sprintf("%s %v where the grader set %v", name, g, w))
		}
	}
	check("dry-run", want.DryRun, got.DryRun)
	check("focus", want.Focus, got.Focus)
	check("skip", want.Skip, got.Skip)
	check("focus-file", want.FocusFiles, got.FocusFiles)
	check("skip-file", want.SkipFiles, got.SkipFiles)
	check("label-filter", strconv.Quote(want.LabelFilter), strconv.Quote(got.LabelFilter))
	check("sem-ver-filter", strconv.Quote(want.SemVerFilter), strconv.Quote(got.SemVerFilter))
	check("seed", want.Seed, got.Seed)
	check("randomize-all", want.RandomizeAll, got.RandomizeAll)
	check("fail-fast", want.FailFast, got.FailFast)
	check("flake-attempts", want.FlakeAttempts, got.FlakeAttempts)
	check("must-pass-repeatedly", want.MustPassRepeatedly, got.MustPassRepeatedly)
	check("parallel processes", want.ParallelTotal, got.ParallelTotal)
	return strings.Join(slices.Compact(diffs), ", ")
}

func fromEnd(end wire.Ended) Spec {
	spec := Spec{FullText: end.Spec, Message: end.Message, Location: end.Location}
	switch end.State {
	case "passed":
		spec.Status = Passed
	case "timedout", "interrupted", "aborted":
		spec.Status = TimedOut
	case "panicked":
		spec.Status = Panicked
	default:
		spec.Status = Failed
	}
	switch end.Reason {
	case wire.ReasonStub:
		spec.Stub = true
	case wire.ReasonPanic:
		spec.Status = Panicked
	case wire.ReasonTimeout:
		spec.Status = TimedOut
	case wire.ReasonLeak:
		if spec.Status == Failed {
			spec.Status = Leaked
		}
	}
	return spec
}

// raceReport keeps the race detector's report out of the lines it is in.
func raceReport(lines []string) string {
	var kept []string
	in := false
	for _, l := range lines {
		if strings.Contains(l, raceWarning) {
			in = true
		}
		if in {
			kept = append(kept, l)
			if strings.HasPrefix(l, "==================") && len(kept) > 1 {
				break
			}
		}
	}
	return tail(strings.Join(kept, "\n"), 60)
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = append([]string{"[...]"}, all[len(all)-lines:]...)
	}
	return strings.Join(all, "\n")
}

// relativise shortens the compiler's absolute paths to paths from the root.
func relativise(root, s string) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		return s
	}
	return strings.ReplaceAll(s, abs+string(filepath.Separator), "")
}

// ownLinesOut removes the harness's marks from output, for a message.
func ownLinesOut(nonce string, output []byte) []byte {
	mark := []byte(wire.Prefix + nonce + ":")
	if !bytes.Contains(output, mark) {
		return output
	}
	var kept []byte
	for line := range bytes.Lines(output) {
		if !bytes.HasPrefix(line, mark) {
			kept = append(kept, line...)
		}
	}
	return kept
}
