package mutate

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"autoroute/internal/buildslot"
	"autoroute/internal/course"
	"autoroute/internal/keptbuild"
)

// What became of a mutant.
const (
	Killed      = "killed"          // a spec failed: the suite tells it from the reference
	Survived    = "survived"        // every spec passed
	Equivalent  = "equivalent"      // every spec passed, and the manifest says it behaves like the reference
	Stale       = "stale"           // the manifest says it is equivalent, yet a spec killed it
	NotCompiled = "did not compile" // not counted
)

// Outcome is a mutant and what became of it.
type Outcome struct {
	Mutant
	Status   string        `json:"status"`
	KilledBy string        `json:"killed_by,omitempty"` // the first spec that failed, and how
	Reason   string        `json:"reason,omitempty"`    // an equivalent's reason, or why it did not compile
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Report is the result of mutating one lesson.
type Report struct {
	Lesson        string    `json:"lesson"`
	Race          bool      `json:"race"`           // every mutant built with -race
	RaceSurvivors bool      `json:"race_survivors"` // survivors run again with -race
	Outcomes      []Outcome `json:"mutants"`
	Killed        int       `json:"killed"`
	Survived      int       `json:"survived"`
	Equivalent    int       `json:"equivalent"`
	Stale         int       `json:"stale_equivalents"` // listed as equivalent, yet killed: fix the manifest
	NotCompiled   int       `json:"did_not_compile"`
	// Unknown lists the manifest's equivalents that no mutant has any more.
	Unknown []string      `json:"unknown_equivalents,omitempty"`
	Score   float64       `json:"score"` // killed / (killed + survived), 1 when there is nothing to kill
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Options configure a run.
type Options struct {
	Root   string // the module root
	Lesson *course.Lesson
	// Only, if not nil, keeps the mutants it returns true for.
	Only func(Mutant) bool
	// Race builds every mutant with the race detector: slower, and it
	// kills more of the mutants that drop or move a lock.
	Race bool
	// RaceSurvivors runs a mutant that survived a build without the race
	// detector again, with it: the specs always run under -race, and most
	// mutants die without it, so this costs little and scores the specs as
	// learners run them.
	RaceSurvivors bool
	// Jobs is how many mutants build and run at once; 0 means the number
	// of CPUs.
	Jobs int
	// Budget bounds one mutant's test process in real time; a mutant still
	// running then is killed (it hangs the suite). 0 means one minute.
	Budget time.Duration
	// Progress, if set, is told of each outcome as it comes (from several
	// goroutines, one at a time).
	Progress func(Outcome)
	// ReferenceProven skips the run of the reference that comes first
	// otherwise: the caller has proven that the reference passes the
	// suite (the self-test does, under -race, in three shuffled runs).
	ReferenceProven bool
	// KeepBuilds, if set, is a directory where each mutant's build is kept
	// between runs, so that go test -c finds it current and skips the
	// link (see package keptbuild). The self-test sets it: it runs the
	// same sample of mutants every time.
	KeepBuilds string
}

// Mutants returns every mutant of the lesson's reference, file by file in
// the manifest's order.
func Mutants(root string, l *course.Lesson) ([]Mutant, error) {
	var all []Mutant
	for _, f := range l.Files() {
		src, err := os.ReadFile(filepath.Join(root, l.ReferenceDir(), f))
		if err != nil {
			return nil, err
		}
		ms, err := Generate(f, src)
		if err != nil {
			return nil, fmt.Errorf("lesson %s: %w", l.ID, err)
		}
		all = append(all, ms...)
	}
	return all, nil
}

// UnknownEquivalents returns the ids the manifest lists as equivalent that
// are not among mutants.
func UnknownEquivalents(l *course.Lesson, mutants []Mutant) []string {
	ids := map[string]bool{}
	for _, m := range mutants {
		ids[m.ID] = true
	}
	var unknown []string
	for _, e := range l.Equivalents {
		if !ids[e.ID] {
			unknown = append(unknown, e.ID)
		}
	}
	return unknown
}

// Sample returns n of mutants, always the same ones for the same ids: those
// whose ids hash lowest. The self-test runs such a sample.
func Sample(mutants []Mutant, n int) []Mutant {
	type keyed struct {
		key [32]byte
		m   Mutant
	}
	ks := make([]keyed, len(mutants))
	for i, m := range mutants {
		ks[i] = keyed{sha256.Sum256([]byte(m.ID)), m}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return slices.Compare(a.key[:], b.key[:]) })
	out := make([]Mutant, 0, min(n, len(ks)))
	for _, k := range ks[:min(n, len(ks))] {
		out = append(out, k.m)
	}
	return out
}

// Run checks that the reference passes the lesson's suite, then runs the
// suite against each mutant of the reference, opts.Jobs at a time.
func Run(ctx context.Context, opts Options) (*Report, error) {
	began := time.Now()
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	opts.Root = root
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.Budget <= 0 {
		opts.Budget = time.Minute
	}
	all, err := Mutants(root, opts.Lesson)
	if err != nil {
		return nil, err
	}
	report := &Report{Lesson: opts.Lesson.ID, Race: opts.Race, RaceSurvivors: opts.RaceSurvivors, Unknown: UnknownEquivalents(opts.Lesson, all)}
	var mutants []Mutant
	for _, m := range all {
		if opts.Only == nil || opts.Only(m) {
			mutants = append(mutants, m)
		}
	}
	tmp, err := os.MkdirTemp("", "autoroute-mutate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// The reference first, unless the caller proved it: a suite that fails
	// on it kills every mutant and proves nothing.
	if !opts.ReferenceProven {
		base := trial{opts: opts, dir: filepath.Join(tmp, "reference")}
		if out := base.run(ctx, "", nil); out.Status != Survived {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("lesson %s: the reference does not pass its own suite (%s), so mutants prove nothing:\n%s%s",
				opts.Lesson.ID, out.Status, out.KilledBy, out.Reason)
		}
	}

	equivalent := map[string]string{}
	for _, e := range opts.Lesson.Equivalents {
		equivalent[e.ID] = e.Reason
	}
	outcomes := make([]Outcome, len(mutants))
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for w := range opts.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				t := trial{opts: opts, dir: filepath.Join(tmp, fmt.Sprintf("w%d", w))}
				m := mutants[i]
				out := t.run(ctx, m.File, m.Content)
				if out.Status == Survived && opts.RaceSurvivors && !opts.Race {
					raced := t
					raced.opts.Race = true
					again := raced.run(ctx, m.File, m.Content)
					again.Elapsed += out.Elapsed
					if again.Status == Killed {
						again.KilledBy += " under -race"
					}
					out = again
				}
				out.Mutant = m
				if reason, ok := equivalent[m.ID]; ok {
					switch out.Status {
					case Survived:
						out.Status, out.Reason = Equivalent, reason
					case Killed:
						out.Status = Stale
					}
				}
				outcomes[i] = out
				if opts.Progress != nil {
					mu.Lock()
					opts.Progress(out)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range mutants {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, o := range outcomes {
		switch o.Status {
		case Killed:
			report.Killed++
		case Survived:
			report.Survived++
		case Equivalent:
			report.Equivalent++
		case Stale:
			report.Stale++
			report.Killed++
		case NotCompiled:
			report.NotCompiled++
		}
	}
	report.Outcomes = outcomes
	report.Score = 1
	if n := report.Killed + report.Survived; n > 0 {
		report.Score = float64(report.Killed) / float64(n)
	}
	report.Elapsed = time.Since(began)
	return report, nil
}

// trial builds and runs the suite once, in its own directory.
type trial struct {
	opts Options
	dir  string
}

// run builds the suite with the reference, file replaced by content (no
// replacement when file is ""), and runs it until its first failure.
func (t trial) run(ctx context.Context, file string, content []byte) Outcome {
	began := time.Now()
	out := Outcome{}
	defer func() { out.Elapsed = time.Since(began) }()
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		out.Status, out.Reason = NotCompiled, err.Error()
		return out
	}
	overlay, err := t.overlay(file, content)
	if err != nil {
		out.Status, out.Reason = NotCompiled, err.Error()
		return out
	}
	binary := filepath.Join(t.dir, "suite.test")
	if t.opts.KeepBuilds != "" {
		kept := filepath.Join(t.opts.KeepBuilds, keptbuild.Name(t.opts.Lesson.ID+"-mutant",
			[]byte(file), content, []byte(strconv.FormatBool(t.opts.Race))))
		// Unlike the runner's kept binaries, no hash is checked before
		// the run: only the self-test keeps mutants, and nothing
		// untrusted runs beside it.
		if release, err := keptbuild.Lock(kept, time.Minute); err == nil {
			defer release()
			binary = kept
		}
	}
	// No vet and no DWARF: nothing debugs a mutant (it runs once, or is
	// kept only to skip its next link), and both would take about half
	// of its build's CPU.
	args := []string{"test", "-c", "-vet=off", "-ldflags=-w", "-o", binary, "-overlay", overlay}
	if t.opts.Race {
		args = append(args, "-race")
	}
	args = append(args, "./"+filepath.ToSlash(t.opts.Lesson.SpecDir()))
	build := exec.CommandContext(ctx, "go", args...)
	build.Dir = t.opts.Root
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	free, err := buildslot.Take(ctx) // builds take turns, one per core
	if err != nil {
		out.Status, out.Reason = NotCompiled, err.Error()
		return out
	}
	output, err := build.CombinedOutput()
	free()
	if err != nil {
		out.Status, out.Reason = NotCompiled, firstLines(strings.ReplaceAll(string(output), t.opts.Root+string(filepath.Separator), ""), 3)
		return out
	}

	report := filepath.Join(t.dir, "report.json")
	os.Remove(report)
	runCtx, cancel := context.WithTimeout(ctx, t.opts.Budget)
	defer cancel()
	cmd := exec.CommandContext(runCtx, binary, "-test.count=1", "-ginkgo.fail-fast", "-ginkgo.no-color",
		"-ginkgo.json-report="+report)
	cmd.Dir = filepath.Join(t.opts.Root, t.opts.Lesson.SpecDir())
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "GORACE=atexit_sleep_ms=0")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) } // Ginkgo reports what it was running
	cmd.WaitDelay = 5 * time.Second
	output, err = cmd.CombinedOutput()
	switch {
	case err == nil:
		out.Status = Survived
	case runCtx.Err() != nil && ctx.Err() == nil:
		out.Status, out.KilledBy = Killed, fmt.Sprintf("the suite hung past the %v budget", t.opts.Budget)
	default:
		out.Status = Killed
		out.KilledBy = firstFailure(report)
		if out.KilledBy == "" && strings.Contains(string(output), "WARNING: DATA RACE") {
			out.KilledBy = "the race detector (a data race)"
		}
		if out.KilledBy == "" {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				out.KilledBy = "the test process failed: " + lastLine(string(output))
			} else {
				out.KilledBy = err.Error()
			}
		}
	}
	return out
}

// overlay writes the go build overlay that puts the reference (with file
// replaced by content) in place of the learner's package.
func (t trial) overlay(file string, content []byte) (string, error) {
	l := t.opts.Lesson
	learner := filepath.Join(t.opts.Root, l.StubDir())
	replace := map[string]string{}
	entries, err := os.ReadDir(learner)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") {
			replace[filepath.Join(learner, e.Name())] = "" // a file the learner added: hidden
		}
	}
	for _, f := range l.Files() {
		replace[filepath.Join(learner, f)] = filepath.Join(t.opts.Root, l.ReferenceDir(), f)
	}
	if file != "" {
		path := filepath.Join(t.dir, "mutant-"+file)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(learner, file)] = path
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(t.dir, "overlay.json")
	return path, os.WriteFile(path, data, 0o644)
}

// ginkgoReport is the part of Ginkgo's JSON report (an array of these)
// that firstFailure reads. Local types, so that the CLI does not link
// Ginkgo.
type ginkgoReport struct {
	SpecReports []struct {
		ContainerHierarchyTexts []string `json:"ContainerHierarchyTexts"`
		LeafNodeText            string   `json:"LeafNodeText"`
		State                   string   `json:"State"`
		Failure                 struct {
			Message string `json:"Message"`
		} `json:"Failure"`
	} `json:"SpecReports"`
}

// failureStates are Ginkgo's states of a spec that did not pass.
var failureStates = map[string]bool{
	"failed": true, "aborted": true, "panicked": true, "interrupted": true, "timedout": true,
}

// firstFailure names the first spec that did not pass in a Ginkgo report.
func firstFailure(report string) string {
	data, err := os.ReadFile(report)
	if err != nil {
		return ""
	}
	var reports []ginkgoReport
	if json.Unmarshal(data, &reports) != nil {
		return ""
	}
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if failureStates[s.State] {
				var texts []string
				for _, t := range append(append([]string{}, s.ContainerHierarchyTexts...), s.LeafNodeText) {
					if t != "" {
						texts = append(texts, t)
					}
				}
				msg, _, _ := strings.Cut(strings.TrimSpace(s.Failure.Message), "\n")
				return fmt.Sprintf("%q (%s: %s)", strings.Join(texts, " "), s.State, oneLine(msg))
			}
		}
	}
	return ""
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var kept []string
	for _, l := range lines {
		if strings.HasPrefix(l, "#") {
			continue
		}
		kept = append(kept, strings.TrimSpace(l))
		if len(kept) == n {
			break
		}
	}
	return strings.Join(kept, " / ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Survivors returns the outcomes that count against the score, sorted by
// file and line.
func (r *Report) Survivors() []Outcome {
	var s []Outcome
	for _, o := range r.Outcomes {
		if o.Status == Survived {
			s = append(s, o)
		}
	}
	slices.SortFunc(s, func(a, b Outcome) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return s
}
