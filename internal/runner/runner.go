// Package runner runs one lesson's Ginkgo suite in a process of its own and
// reads back, spec by spec, what happened. It survives what learner code
// does to a test process: a compile error is reported with the compiler's
// file:line; a data race is pinned on the spec that was running; a crash (a
// panic on a goroutine the learner started, os.Exit) is pinned on its spec,
// and the specs not yet run are run again in a new process; a hung process
// is interrupted, never left to go test's ten-minute alarm.
package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"autoroute/internal/course"
	"autoroute/internal/harness"
)

// Solution says whose code a run grades.
type Solution string

// The solutions a run can grade.
const (
	Learner   Solution = "learner"   // solutions/<package>, as the learner left it
	Reference Solution = "reference" // lessons/<dir>/reference
	Stub      Solution = "stub"      // lessons/<dir>/stub, the pristine stubs
)

// ParseSolution reads a --solution flag.
func ParseSolution(s string) (Solution, error) {
	switch Solution(s) {
	case Learner, Reference, Stub:
		return Solution(s), nil
	}
	return "", fmt.Errorf("unknown solution %q: want learner, reference or stub", s)
}

// Status is what became of one spec.
type Status string

// The statuses of a spec.
const (
	Passed   Status = "passed"
	Failed   Status = "failed"
	TimedOut Status = "timed out" // a deadlock, or a wait that never ended
	Panicked Status = "panicked"
	Leaked   Status = "leaked" // goroutines outlived the spec
	Race     Status = "race"   // the race detector saw a data race during the spec
	Crashed  Status = "crashed"
	NotRun   Status = "not run"
)

// Spec is the result of one spec.
type Spec struct {
	Exercise string `json:"exercise"` // the first label of the spec
	Name     string `json:"name"`     // the It text
	FullText string `json:"full_text"`
	Status   Status `json:"status"`
	Stub     bool   `json:"stub,omitempty"` // it failed because the code is still a TODO stub
	Message  string `json:"message,omitempty"`
	Location string `json:"location,omitempty"`
}

// Result is the outcome of running one lesson.
type Result struct {
	Lesson     string        `json:"lesson"`
	BuildError string        `json:"build_error,omitempty"` // the compiler's output, when the suite did not build
	StartError string        `json:"start_error,omitempty"` // why the suite built but never ran a spec
	Specs      []Spec        `json:"specs"`                 // in the order the suite defines them
	Processes  int           `json:"processes"`             // test processes it took (more than one after a crash)
	Elapsed    time.Duration `json:"elapsed"`
}

// Passed reports whether the suite built and every spec passed.
func (r *Result) Passed() bool {
	if r.BuildError != "" || r.StartError != "" || len(r.Specs) == 0 {
		return false
	}
	for _, s := range r.Specs {
		if s.Status != Passed {
			return false
		}
	}
	return true
}

// Options configure a run.
type Options struct {
	Root     string         // the module root
	Lesson   *course.Lesson //
	Solution Solution       // whose code; the zero value means Learner
	// Replace overlays single files of the learner's package with the given
	// content, on top of Solution (the self-test's mistakes).
	Replace map[string][]byte
	// Seeds lists the runs to make: each runs the whole suite, with every
	// spec's order randomised by the seed (0 keeps the suite's own order).
	// A spec's result is its first failure across the runs. Empty means
	// one run in the suite's order.
	Seeds []int64
	// Budget bounds one test process in real time; past it the process is
	// interrupted. Zero means two minutes.
	Budget time.Duration
	// Race builds with the race detector. The CLI always sets it.
	Race bool
	// Exercises, if not empty, limits the run to these exercises' specs.
	Exercises []string
}

// labelFilter is the Ginkgo --label-filter that selects opts.Exercises.
func (opts Options) labelFilter() []string {
	if len(opts.Exercises) == 0 {
		return nil
	}
	return []string{"-ginkgo.label-filter=" + strings.Join(opts.Exercises, " || ")}
}

// Run builds the lesson's suite once and runs it, in as many processes as
// crashes require, until every spec has a result.
func Run(ctx context.Context, opts Options) (*Result, error) {
	began := time.Now()
	if opts.Solution == "" {
		opts.Solution = Learner
	}
	if opts.Budget == 0 {
		opts.Budget = 2 * time.Minute
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("running lesson %s: %w", opts.Lesson.ID, err)
	}
	opts.Root = root
	tmp, err := os.MkdirTemp("", "autoroute-run-")
	if err != nil {
		return nil, fmt.Errorf("running lesson %s: %w", opts.Lesson.ID, err)
	}
	defer os.RemoveAll(tmp)

	result := &Result{Lesson: opts.Lesson.ID}
	binary := filepath.Join(tmp, opts.Lesson.ID+".test")
	if len(opts.Replace) == 0 { // a one-off build (a mistake) is not worth keeping
		if path, release, err := cachedBinary(opts); err == nil {
			defer release()
			binary = path
		}
	}
	buildOutput, err := build(ctx, opts, tmp, binary)
	if err != nil {
		return nil, err
	}
	if buildOutput != "" {
		result.BuildError = buildOutput
		result.Elapsed = time.Since(began)
		return result, nil
	}

	seeds := opts.Seeds
	if len(seeds) == 0 {
		seeds = []int64{0}
	}
	// The first run also reports the suite's specs, which saves a process
	// in the common case; after a crash or an interrupt its report cannot
	// be trusted to list them all, and a dry run does.
	report := filepath.Join(tmp, "report.json")
	first, err := runOnce(ctx, opts, binary, seeds[0], "", report)
	if err != nil {
		return nil, err
	}
	if first.interrupted && first.crashed == "" && len(first.specs) == 0 {
		result.StartError = fmt.Sprintf("The test process did not start its specs within %v and was stopped: something "+
			"blocks while the package loads (an init function or a package-level variable that never finishes?).", opts.Budget)
		result.Elapsed = time.Since(began)
		return result, nil
	}
	var specs []Spec
	if first.crashed == "" && !first.interrupted {
		specs, err = readSpecs(report)
	}
	if specs == nil || err != nil {
		var startError string
		specs, startError, err = list(ctx, opts, binary, tmp)
		if err != nil {
			return nil, err
		}
		if startError != "" {
			result.StartError = startError
			result.Elapsed = time.Since(began)
			return result, nil
		}
	}
	result.Specs = specs
	for n, seed := range seeds {
		run := make([]Spec, len(specs))
		copy(run, specs)
		var already *process
		if n == 0 {
			already = first
		}
		processes, err := runAll(ctx, opts, binary, seed, run, already)
		if err != nil {
			return nil, err
		}
		result.Processes += processes
		for i := range specs {
			if n == 0 || (specs[i].Status == Passed && run[i].Status != Passed) {
				specs[i] = run[i]
			}
		}
	}
	result.Elapsed = time.Since(began)
	return result, nil
}

// runAll runs the binary until every spec in specs has a result, starting
// a new process after each crash, and fills specs in. already, if not nil,
// is the outcome of a first process that was run before.
func runAll(ctx context.Context, opts Options, binary string, seed int64, specs []Spec, already *process) (processes int, err error) {
	index := map[string]int{}
	for i, s := range specs {
		index[s.FullText] = i
	}
	done := map[string]bool{}
	notRun := "The suite ended before this spec ran."
	for len(done) < len(specs) {
		if err := ctx.Err(); err != nil {
			return processes, err
		}
		processes++
		run := already
		already = nil
		if run == nil {
			if run, err = runOnce(ctx, opts, binary, seed, skipPattern(done), ""); err != nil {
				return processes, err
			}
		}
		if run.interrupted && run.crashed == "" {
			notRun = fmt.Sprintf("The suite was interrupted after %v while no spec was running: something blocked "+
				"before or between specs (an init function or a package-level variable that never finishes?).", opts.Budget)
		}
		progress := false
		for _, s := range run.specs {
			i, ok := index[s.FullText]
			if !ok || done[s.FullText] {
				continue
			}
			s.Exercise, s.Name = specs[i].Exercise, specs[i].Name
			specs[i] = s
			done[s.FullText] = true
			progress = true
		}
		if i, ok := index[run.crashed]; ok && !done[run.crashed] {
			specs[i].Status = Crashed
			specs[i].Message = run.crashMessage
			done[run.crashed] = true
			progress = true
		}
		if (run.crashed == "" && !run.interrupted) || !progress {
			break // the process ended on its own: what did not report did not run
		}
	}
	for i := range specs {
		if !done[specs[i].FullText] {
			specs[i].Status = NotRun
			specs[i].Message = notRun
		}
	}
	return processes, nil
}

// build compiles the suite into binary. A compile error is not an error of
// the run: it is returned as the compiler's output.
func build(ctx context.Context, opts Options, tmp, binary string) (string, error) {
	args := []string{"test", "-c", "-o", binary}
	if opts.Race {
		args = append(args, "-race")
	}
	overlay, err := overlayFor(opts, tmp)
	if err != nil {
		return "", err
	}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+filepath.ToSlash(opts.Lesson.SpecDir()))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.Root
	out, err := cmd.CombinedOutput()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return relativise(opts.Root, strings.TrimSpace(string(out))), nil
		}
		return "", fmt.Errorf("building the %s suite: %w", opts.Lesson.ID, err)
	}
	return "", nil
}

// overlayFor writes the go build overlay that swaps the learner's files for
// the chosen solution's, and returns its path ("" when none is needed).
func overlayFor(opts Options, tmp string) (string, error) {
	replace := map[string]string{}
	stubDir := filepath.Join(opts.Root, opts.Lesson.StubDir())
	var from string
	switch opts.Solution {
	case Reference:
		from = filepath.Join(opts.Root, opts.Lesson.ReferenceDir())
	case Stub:
		from = filepath.Join(opts.Root, opts.Lesson.PristineDir())
	}
	if from != "" {
		for _, f := range opts.Lesson.Files() {
			replace[filepath.Join(stubDir, f)] = filepath.Join(from, f)
		}
		// A file the learner added has no counterpart: hide it.
		entries, err := os.ReadDir(stubDir)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", stubDir, err)
		}
		for _, e := range entries {
			path := filepath.Join(stubDir, e.Name())
			if _, ok := replace[path]; !ok && strings.HasSuffix(e.Name(), ".go") {
				replace[path] = ""
			}
		}
	}
	for name, content := range opts.Replace {
		path := filepath.Join(tmp, "replace-"+name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return "", fmt.Errorf("writing the overlay for %s: %w", name, err)
		}
		replace[filepath.Join(stubDir, name)] = path
	}
	if len(replace) == 0 {
		return "", nil
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(tmp, "overlay.json")
	return path, os.WriteFile(path, data, 0o644)
}

// list asks the suite for its specs, in definition order, without running
// them.
// A suite that cannot even list its specs (it crashes or hangs while the
// test binary starts, in an init function say) did not start: that is the
// learner's code misbehaving, reported in startError, not an error of the
// run.
func list(ctx context.Context, opts Options, binary, tmp string) (specs []Spec, startError string, err error) {
	report := filepath.Join(tmp, "specs.json")
	args := append([]string{"-ginkgo.dry-run", "-ginkgo.no-color", "-ginkgo.json-report=" + report}, opts.labelFilter()...)
	listCtx, cancel := context.WithTimeout(ctx, opts.Budget)
	defer cancel()
	cmd := exec.CommandContext(listCtx, binary, args...)
	cmd.Dir = filepath.Join(opts.Root, opts.Lesson.SpecDir())
	cmd.WaitDelay = time.Second
	cmd.Env = append(os.Environ(), raceOptions())
	var output bytes.Buffer
	out := &capped{w: &output, limit: 1 << 20}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		out.flush()
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		if listCtx.Err() != nil {
			return nil, fmt.Sprintf("The test process did not start its specs within %v and was stopped: something "+
				"blocks while the package loads (an init function or a package-level variable that never finishes?).", opts.Budget), nil
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return nil, "", fmt.Errorf("listing the %s specs: %w", opts.Lesson.ID, err)
		}
		if _, statErr := os.Stat(report); statErr != nil {
			return nil, "The test process died before running any spec. Its last words:\n" + tail(output.String(), 40), nil
		}
	}
	specs, err = readSpecs(report)
	if err != nil {
		return nil, "", fmt.Errorf("listing the %s specs: %w", opts.Lesson.ID, err)
	}
	return specs, "", nil
}

// readSpecs reads the specs a Ginkgo JSON report lists (leaving out those
// a filter skipped), in the order the suite defines them.
func readSpecs(report string) ([]Spec, error) {
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("reading Ginkgo's report: %w", err)
	}
	var specs []Spec
	locations := map[string]types.CodeLocation{}
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt || s.State == types.SpecStateSkipped {
				continue
			}
			spec := Spec{Name: s.LeafNodeText, FullText: s.FullText(), Status: NotRun}
			if labels := s.Labels(); len(labels) > 0 {
				spec.Exercise = labels[0]
			}
			specs = append(specs, spec)
			locations[spec.FullText] = s.LeafNodeLocation
		}
	}
	sortByLocation(specs, locations)
	return specs, nil
}

func sortByLocation(specs []Spec, at map[string]types.CodeLocation) {
	less := func(a, b types.CodeLocation) bool {
		if a.FileName != b.FileName {
			return a.FileName < b.FileName
		}
		return a.LineNumber < b.LineNumber
	}
	for i := 1; i < len(specs); i++ {
		for j := i; j > 0 && less(at[specs[j].FullText], at[specs[j-1].FullText]); j-- {
			specs[j], specs[j-1] = specs[j-1], specs[j]
		}
	}
}

// skipPattern is a Ginkgo --skip regexp matching the specs already done.
func skipPattern(done map[string]bool) string {
	if len(done) == 0 {
		return ""
	}
	parts := make([]string, 0, len(done))
	for text := range done {
		parts = append(parts, regexp.QuoteMeta(text))
	}
	return " (?:" + strings.Join(parts, "|") + ")$"
}

type process struct {
	specs        []Spec
	interrupted  bool   // the process overran its budget
	crashed      string // the spec running when the process died, if it died
	crashMessage string
}

// runOnce runs the suite binary once and reads the spec markers it prints.
func runOnce(ctx context.Context, opts Options, binary string, seed int64, skip, report string) (*process, error) {
	args := []string{"-test.count=1", "-ginkgo.no-color"}
	if report != "" {
		args = append(args, "-ginkgo.json-report="+report)
	}
	if seed != 0 {
		args = append(args, "-ginkgo.randomize-all", "-ginkgo.seed="+strconv.FormatInt(seed, 10))
	}
	if skip != "" {
		args = append(args, "-ginkgo.skip="+skip)
	}
	args = append(args, opts.labelFilter()...)
	cmd := exec.Command(binary, args...)
	cmd.Dir = filepath.Join(opts.Root, opts.Lesson.SpecDir())
	cmd.Env = append(os.Environ(), harness.MarkersEnv+"=1", "NO_COLOR=1", raceOptions())
	var output bytes.Buffer
	out := &capped{w: &output, limit: 8 << 20}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s suite: %w", opts.Lesson.ID, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var waitErr error
	interrupted := false
	budget := time.NewTimer(opts.Budget)
	defer budget.Stop()
	select {
	case waitErr = <-exited:
	case <-budget.C:
		interrupted = true
		waitErr = stop(cmd, exited)
	case <-ctx.Done():
		interrupted = true
		stop(cmd, exited)
		return nil, ctx.Err()
	}
	out.flush()
	p := parse(output.Bytes())
	p.interrupted = interrupted
	if p.crashed != "" && !interrupted && waitErr == nil {
		p.crashed = "" // a start without an end, yet a clean exit: cannot happen, but never invent a crash
	}
	if interrupted && p.crashed != "" {
		p.crashMessage = fmt.Sprintf("The suite was still running this spec after %v and was interrupted.\n%s", opts.Budget, p.crashMessage)
	}
	return p, nil
}

// raceOptions stops the race detector from sleeping a second when the
// process exits (its default, to let other goroutines' reports arrive): a
// race during a spec is reported while the spec runs, and the second per
// process would make every run ten times slower than its specs.
func raceOptions() string {
	opts := "atexit_sleep_ms=0"
	if env := os.Getenv("GORACE"); env != "" {
		opts = env + " " + opts
	}
	return "GORACE=" + opts
}

// stop interrupts a stuck suite: SIGINT first, so Ginkgo reports what it
// can, then SIGKILL.
func stop(cmd *exec.Cmd, exited <-chan error) error {
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-exited:
		return err
	case <-time.After(5 * time.Second):
	}
	_ = cmd.Process.Kill()
	return <-exited
}

// parse reads the markers of a suite's output. Lines between a spec's start
// and end markers belong to it: a race report there makes it a race, and a
// start with no end is the spec that was running when the process died.
func parse(output []byte) *process {
	p := &process{}
	var running string
	var during []string
	raced := false
	sc := bufio.NewScanner(bytes.NewReader(output))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, harness.StartMarker):
			running = strings.TrimPrefix(line, harness.StartMarker)
			during = during[:0]
			raced = false
		case strings.HasPrefix(line, harness.EndMarker):
			var end harness.End
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, harness.EndMarker)), &end); err != nil {
				continue
			}
			running = ""
			if end.State == "skipped" || end.State == "pending" {
				continue // skipped by --skip, or after an interrupt: not a result
			}
			spec := fromEnd(end)
			if raced && spec.Status == Passed {
				spec.Status = Race
				spec.Message = "The race detector found a data race while this spec ran:\n" + raceReport(during)
			}
			p.specs = append(p.specs, spec)
		default:
			if running != "" {
				during = append(during, line)
				if strings.Contains(line, "WARNING: DATA RACE") {
					raced = true
				}
			}
		}
	}
	if running != "" {
		p.crashed = running
		p.crashMessage = "The test process died while this spec ran. Its last words:\n" + tail(strings.Join(during, "\n"), 40)
	}
	return p
}

func fromEnd(end harness.End) Spec {
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
	case harness.ReasonStub:
		spec.Stub = true
	case harness.ReasonPanic:
		spec.Status = Panicked
	case harness.ReasonTimeout:
		spec.Status = TimedOut
	case harness.ReasonLeak:
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
		if strings.Contains(l, "WARNING: DATA RACE") {
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

// capped keeps a suite's output within limit bytes, so a suite that
// prints megabytes cannot exhaust the grader's memory. Marker lines are
// always kept, whatever was dropped before them: they carry the results.
type capped struct {
	w       io.Writer
	limit   int
	written int
	dropped int
	line    []byte
}

const longestLine = 64 << 10

func (c *capped) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.line = append(c.line, p...)
			if len(c.line) > longestLine {
				c.emit(c.line[:longestLine])
				c.line = c.line[:0]
			}
			break
		}
		c.line = append(c.line, p[:i+1]...)
		c.emit(c.line)
		c.line = c.line[:0]
		p = p[i+1:]
	}
	return n, nil
}

func (c *capped) emit(line []byte) {
	marker := bytes.HasPrefix(line, []byte("@@autoroute:"))
	if !marker && c.written+len(line) > c.limit {
		c.dropped += len(line)
		return
	}
	c.written += len(line)
	c.w.Write(line)
}

// flush writes a last line that had no newline.
func (c *capped) flush() {
	if len(c.line) > 0 {
		c.emit(append(c.line, '\n'))
		c.line = c.line[:0]
	}
}

// Fuzz runs one fuzz target of the lesson's suite against opts.Solution for
// the given time. A failure is returned with the fuzzer's report, which
// names the failing input saved under the suite's testdata/fuzz.
func Fuzz(ctx context.Context, opts Options, target string, fuzzTime time.Duration) error {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return err
	}
	opts.Root = root
	tmp, err := os.MkdirTemp("", "autoroute-fuzz-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	overlay, err := overlayFor(opts, tmp)
	if err != nil {
		return err
	}
	args := []string{"test", "-run", "^$", "-fuzz", "^" + regexp.QuoteMeta(target) + "$", "-fuzztime", fuzzTime.String()}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+filepath.ToSlash(opts.Lesson.SpecDir()))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fuzzing %s of lesson %s: %w\n%s", target, opts.Lesson.ID, err, tail(relativise(opts.Root, string(out)), 40))
	}
	return nil
}
