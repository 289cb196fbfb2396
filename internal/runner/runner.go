// Package runner runs one lesson's Ginkgo suite in a process of its own and
// reads back, spec by spec, what happened. It survives what learner code
// does to a test process: a compile error is reported with the compiler's
// file:line; a data race is pinned on the spec that was running; a crash (a
// panic on a goroutine the learner started, os.Exit) is pinned on its spec,
// and the specs not yet run are run again in a new process; a hung process
// is interrupted, never left to go test's ten-minute alarm.
//
// Learner code is not trusted (see the README's trust model): before it is
// built it must pass the static check of package allowlist; the list of
// specs comes from the suite built with the pristine stubs, never from the
// learner's process; results come back on a channel learner code cannot
// reach (package wire); builds and test processes run in a sealed
// environment, each test process in a process group of its own under time
// and memory limits.
//
// One file per concern: this one runs a lesson; build.go builds suites in
// a sealed environment; process.go starts and stops a test process;
// results.go reads what it said; ginkgo.go reads Ginkgo's JSON report;
// cache_*.go keep built suites between runs.
package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"autoroute/internal/allowlist"
	"autoroute/internal/course"
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
	// Detail is what a learner reads only when asked (check -v): the race
	// detector's own report under a race spec's message in words.
	Detail string `json:"detail,omitempty"`
}

// Result is the outcome of running one lesson.
type Result struct {
	Lesson     string `json:"lesson"`
	BuildError string `json:"build_error,omitempty"` // the compiler's output (or the static check's), when the suite did not build
	// Refused lists what the static check refused in the learner's package,
	// each with its file:line and rule; BuildError says the same in words.
	Refused    []allowlist.Finding `json:"refused,omitempty"`
	StartError string              `json:"start_error,omitempty"` // why the suite built but never ran a spec
	Specs      []Spec              `json:"specs"`                 // in the order the suite defines them
	Processes  int                 `json:"processes"`             // test processes it took (more than one after a crash)
	Elapsed    time.Duration       `json:"elapsed"`
	// RaceDetector says whether the suite ran under the race detector. A run
	// asked for it (Options.Race) but without cgo runs without it, and
	// RaceUnavailable says why and how to get it.
	RaceDetector    bool   `json:"race_detector"`
	RaceUnavailable string `json:"race_unavailable,omitempty"`
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
	// Race builds with the race detector. The CLI always sets it; without
	// cgo the run goes on without it (see Result.RaceUnavailable).
	Race bool
	// Exercises, if not empty, limits the run to these exercises' specs.
	Exercises []string
	// Specs, if not empty, limits the run further to the specs whose It
	// text is one of these (or ends with one, after a space: Ginkgo
	// matches a spec's full text, its containers' texts then its own).
	// The self-test runs only the spec that must catch a mistake, so that
	// a mistake that hangs every spec of its exercise costs one budget,
	// not one per spec.
	Specs []string
	// TrimSpecs, with Exercises, builds the suite without the spec files
	// that hold only other exercises' specs (see otherExercisesSpecFiles):
	// the self-test's mistakes, one build each, compile a fraction of the
	// spec package. Trusted code only: ignored for the learner's.
	TrimSpecs bool
	// BuildBudget bounds each build in real time. Zero means ten minutes.
	BuildBudget time.Duration
	// MemoryLimit bounds the memory of a test process, where the system
	// lets the runner measure it (Linux); past it the process is killed and
	// the running spec crashes. Zero means DefaultMemoryLimit.
	MemoryLimit int64
	// BudgetPerSpec, if set, scales a test process's budget to the suite:
	// thirty seconds plus this much per spec, never more than Budget, so
	// that one hang does not cost a lesson the whole of Budget.
	BudgetPerSpec time.Duration
	// PrivateBuild builds into the run's private directory, never into the
	// binary cache shared between runs: grade sets it, so that nothing a
	// test process leaves behind can be run by a later grade.
	PrivateBuild bool
	// KeepBuilds, if set, is a directory where the builds the runner
	// would throw away (Replace, TrimSpecs) are kept between runs, each
	// under a name made of what it replaces, so that go test -c finds it
	// current and skips the link (see package keptbuild). The self-test
	// sets it: its hundreds of one-off builds are the same from one run to
	// the next. Never for the learner's code, nor with PrivateBuild.
	KeepBuilds string
}

// DefaultMemoryLimit is the memory a test process may use (race detector
// included) when Options.MemoryLimit is zero.
const DefaultMemoryLimit = 2 << 30

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
	if opts.BuildBudget == 0 {
		opts.BuildBudget = 10 * time.Minute
	}
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = DefaultMemoryLimit
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
	done := func(r *Result) (*Result, error) {
		r.Elapsed = time.Since(began)
		return r, nil
	}

	result := &Result{Lesson: opts.Lesson.ID}
	if opts.Race {
		if why := raceUnavailable(ctx, root); why != "" {
			opts.Race = false
			result.RaceUnavailable = why
		}
	}
	result.RaceDetector = opts.Race
	untrusted := opts.Solution == Learner
	// The static check: what must be refused before anything is compiled
	// first (Syntax: cgo, assembly); the rest, which needs the imports'
	// types, runs while the suite builds, and the binary runs only if it
	// passes too. Compiling runs no learner code.
	refuse := func(findings []allowlist.Finding) (*Result, error) {
		result.Refused = findings
		result.BuildError = allowlist.Explain(findings)
		return done(result)
	}
	checkOpts := allowlist.Options{
		Dir: filepath.Join(root, opts.Lesson.StubDir()), Root: root, Env: goEnv(), Replace: opts.Replace,
	}
	if opts.Race {
		checkOpts.BuildFlags = []string{"-race"} // the export data the build uses too
	}
	type checked struct {
		findings []allowlist.Finding
		err      error
	}
	check := make(chan checked, 1)
	if untrusted {
		if findings := allowlist.Syntax(checkOpts); len(findings) > 0 {
			// Refused already: the whole check, for the whole list (it
			// compiles none of the learner's code).
			all, err := allowlist.Check(ctx, checkOpts)
			if err != nil {
				return nil, fmt.Errorf("checking the %s solution: %w", opts.Lesson.ID, err)
			}
			return refuse(all)
		}
		go func() {
			findings, err := allowlist.Check(ctx, checkOpts)
			check <- checked{findings, err}
		}()
	} else {
		check <- checked{}
	}
	defer func() { <-check }() // never leave the check behind, even on an early return
	waitCheck := func() checked {
		c := <-check
		check <- c // for the deferred receive
		return c
	}

	// The pristine suite, which lists the specs to expect, builds (and
	// links, mostly on one core) while the learner's does.
	type listing struct {
		specs      []Spec
		startError string
		err        error
	}
	pristine := make(chan listing, 1)
	pristineCtx, stopPristine := context.WithCancel(ctx)
	if untrusted {
		go func() {
			var l listing
			l.specs, l.startError, l.err = pristineSpecs(pristineCtx, opts, tmp)
			pristine <- l
		}()
	}
	waitPristine := func() listing {
		if !untrusted {
			return listing{}
		}
		l := <-pristine
		untrusted = false // received once
		return l
	}
	defer func() { // tmp is removed only once the pristine build is done with it
		stopPristine()
		waitPristine()
	}()

	binary, buildOutput, release, err := buildSuite(ctx, opts, tmp, "")
	if err != nil {
		return nil, err
	}
	defer release()
	if c := waitCheck(); c.err != nil {
		return nil, fmt.Errorf("checking the %s solution: %w", opts.Lesson.ID, c.err)
	} else if len(c.findings) > 0 {
		return refuse(c.findings)
	}
	if buildOutput != "" {
		result.BuildError = buildOutput
		return done(result)
	}

	seeds := opts.Seeds
	if len(seeds) == 0 {
		seeds = []int64{0}
	}
	var specs []Spec
	var first *process
	if opts.Solution == Learner {
		// The specs to expect come from the suite built with the pristine
		// stubs: nothing the learner's process does can add, hide or
		// rename one.
		l := waitPristine()
		if l.err != nil {
			return nil, l.err
		}
		if l.startError != "" {
			result.StartError = l.startError
			return done(result)
		}
		specs = l.specs
	} else {
		// Trusted code (a reference, a mistake): the first run also reports
		// the suite's specs, which saves a process in the common case;
		// after a crash or an interrupt its report cannot be trusted to
		// list them all, and a dry run does.
		report := filepath.Join(tmp, "report.json")
		first, err = runOnce(ctx, opts, binary, tmp, seeds[0], nil, report)
		if err != nil {
			return nil, err
		}
		if first.finished() {
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
				return done(result)
			}
		}
	}
	result.Specs = specs
	if opts.BudgetPerSpec > 0 {
		opts.Budget = min(opts.Budget, 30*time.Second+opts.BudgetPerSpec*time.Duration(len(specs)))
	}
	// No new process starts past the deadline: a suite that crashes or
	// hangs again and again costs at most about three budgets, not one per spec.
	deadline := time.Now().Add(2 * opts.Budget * time.Duration(len(seeds)))
	for n, seed := range seeds {
		run := make([]Spec, len(specs))
		copy(run, specs)
		var already *process
		if n == 0 {
			already = first
		}
		processes, startError, err := runAll(ctx, opts, binary, tmp, seed, run, already, deadline)
		if err != nil {
			return nil, err
		}
		result.Processes += processes
		if startError != "" {
			result.StartError = startError
			result.Specs = nil
			return done(result)
		}
		for i := range specs {
			if n == 0 || (specs[i].Status == Passed && run[i].Status != Passed) {
				specs[i] = run[i]
			}
		}
	}
	return done(result)
}

// runAll runs the binary until every spec in specs has a result, starting
// a new process after each crash, and fills specs in. already, if not nil,
// is the outcome of a first process that was run before. A first process
// that never started its specs (it died or hung while the package loaded,
// or ran with a configuration other than the one asked for) is returned as
// startError: the lesson did not start.
func runAll(ctx context.Context, opts Options, binary, tmp string, seed int64, specs []Spec, already *process, deadline time.Time) (processes int, startError string, err error) {
	index := map[string]int{}
	for i, s := range specs {
		index[s.FullText] = i
	}
	done := map[string]bool{}
	notRun := "The suite ended before this spec ran."
	for len(done) < len(specs) {
		if err := ctx.Err(); err != nil {
			return processes, "", err
		}
		if processes > 0 && time.Now().After(deadline) {
			notRun = fmt.Sprintf("The lesson's time ran out (twice its %v budget) before this spec ran: its test "+
				"processes crashed or were interrupted again and again.", opts.Budget)
			break
		}
		processes++
		run := already
		already = nil
		if run == nil {
			if run, err = runOnce(ctx, opts, binary, tmp, seed, done, ""); err != nil {
				return processes, "", err
			}
		}
		if run.rejected != "" {
			return processes, run.rejected, nil
		}
		if !run.configured && len(done) == 0 {
			return processes, run.noStart(opts.Budget), nil
		}
		if run.interrupted && run.crashed == "" {
			notRun = fmt.Sprintf("The suite was interrupted after %v while no spec was running: something blocked "+
				"before or between specs (an init function or a package-level variable that never finishes?).", opts.Budget)
		} else if !run.done && run.crashed == "" {
			notRun = "The test process ended before this spec ran, while no spec was running (a goroutine that " +
				"called os.Exit or panicked between specs?). " + run.lastWords()
		}
		progress := false
		for _, s := range run.specs {
			i, ok := index[s.FullText]
			if !ok || done[s.FullText] {
				continue // not a spec of the pristine suite, or one already graded
			}
			s.Exercise, s.Name = specs[i].Exercise, specs[i].Name
			specs[i] = s
			done[s.FullText] = true
			progress = true
		}
		if i, ok := index[run.crashed]; ok && !done[run.crashed] {
			specs[i].Status = Crashed
			specs[i].Message = run.crashMessage
			specs[i].Stub = false
			done[run.crashed] = true
			progress = true
		}
		if run.done || !progress {
			break // the suite ran to its end: what did not report did not run
		}
	}
	for i := range specs {
		if !done[specs[i].FullText] {
			specs[i].Status = NotRun
			specs[i].Message = notRun
		}
	}
	return processes, "", nil
}
