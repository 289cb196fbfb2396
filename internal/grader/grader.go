// Package grader turns lessons' specs into points. Each lesson runs in a
// process of its own (see package runner), so one crash costs one lesson at
// most, and a crash, a deadlock, a panic, a leak or a data race is pinned on
// the spec that caused it while the others still score. Points come from the
// manifest: an exercise earns its points in proportion to its passing specs.
// A lesson whose specs, fakes, stubs, manifest or module files were edited
// is marked tampered and scores nothing; edited before the build, it is
// neither built nor run.
package grader

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"autoroute/internal/course"
	"autoroute/internal/runner"
)

// Report is the result of grading: its JSON form is the grader's documented
// output (see the README).
type Report struct {
	Score    float64        `json:"score"`
	MaxScore float64        `json:"max_score"`
	Solution string         `json:"solution"` // learner or reference
	Lessons  []LessonReport `json:"lessons"`
	Elapsed  time.Duration  `json:"elapsed_ns"`
	// RaceUnavailable, when set, says why the specs ran without the race
	// detector (no cgo, no C compiler) and how to get it.
	RaceUnavailable string `json:"race_unavailable,omitempty"`
}

// Lesson statuses.
const (
	LessonPassed     = "passed"        // every spec passed
	LessonFailed     = "failed"        // some spec did not pass
	LessonBuildError = "build error"   // the suite did not compile
	LessonNoStart    = "did not start" // the suite compiled but its process never ran a spec
	LessonTampered   = "tampered"      // specs, fakes or manifest were edited
)

// LessonReport is one lesson's grade.
type LessonReport struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Score      float64  `json:"score"`
	MaxScore   float64  `json:"max_score"`
	Status     string   `json:"status"`
	BuildError string   `json:"build_error,omitempty"`
	StartError string   `json:"start_error,omitempty"`
	Tampered   []string `json:"tampered,omitempty"` // the edited files
	// Refused lists what the static check refused in the learner's package
	// ("file:line: rule: detail"); BuildError says the same in words.
	Refused      []string         `json:"refused,omitempty"`
	RaceDetector bool             `json:"race_detector"` // the specs ran under the race detector
	Exercises    []ExerciseReport `json:"exercises"`
	Elapsed      time.Duration    `json:"elapsed_ns"`

	raceUnavailable string
}

// ExerciseReport is one exercise's grade.
type ExerciseReport struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	File     string       `json:"file"` // the learner's file
	Score    float64      `json:"score"`
	MaxScore float64      `json:"max_score"`
	Specs    []SpecReport `json:"specs"`
}

// SpecReport is one spec's result.
type SpecReport struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // passed, failed, timed out, panicked, leaked, race, crashed, not run
	Stub     bool   `json:"stub,omitempty"`
	Message  string `json:"message,omitempty"`
	Location string `json:"location,omitempty"`
}

// Options say what to grade.
type Options struct {
	Root     string
	Course   *course.Course
	Lessons  []*course.Lesson // nil means every lesson
	Solution runner.Solution
	// Pristine is the checksum list of the files a learner must not edit;
	// nil skips the tamper check (the reference is graded as it is).
	Pristine Sums
	// Budget bounds each test process in real time (0: ten minutes).
	Budget time.Duration
	// Parallel is how many lessons run at once (0: the number of CPUs).
	Parallel int
	// MemoryLimit bounds each test process's memory (0: the runner's default).
	MemoryLimit int64
}

// Grade grades the lessons, each in its own processes, and never fails
// because of what learner code does: only when grading itself cannot run.
func Grade(ctx context.Context, opts Options) (*Report, error) {
	began := time.Now()
	lessons := opts.Lessons
	if lessons == nil {
		lessons = opts.Course.Lessons
	}
	if opts.Budget == 0 {
		opts.Budget = 10 * time.Minute
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = runtime.NumCPU()
	}
	solution := opts.Solution
	if solution == "" {
		solution = runner.Learner
	}

	report := &Report{Solution: string(solution), Lessons: make([]LessonReport, len(lessons))}
	errs := make([]error, len(lessons))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, l := range lessons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			report.Lessons[i], errs[i] = gradeLesson(ctx, opts, solution, l)
		}()
	}
	wg.Wait()
	for _, l := range report.Lessons {
		if l.raceUnavailable != "" {
			report.RaceUnavailable = l.raceUnavailable
		}
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("grading lesson %s: %w", lessons[i].ID, err)
		}
	}
	for _, l := range report.Lessons {
		report.Score += l.Score
		report.MaxScore += l.MaxScore
	}
	report.Score = round(report.Score)
	report.Elapsed = time.Since(began)
	return report, nil
}

func gradeLesson(ctx context.Context, opts Options, solution runner.Solution, l *course.Lesson) (LessonReport, error) {
	lr := LessonReport{ID: l.ID, Title: l.Title.EN, MaxScore: float64(l.Points())}
	// Tamper evidence is taken before the build, as well as after the run:
	// a test process that restores an edited spec before it ends still
	// leaves the edit seen.
	var tamperedBefore []string
	if opts.Pristine != nil {
		var err error
		if tamperedBefore, err = opts.Pristine.Changed(opts.Root, l); err != nil {
			return lr, err
		}
	}
	if len(tamperedBefore) > 0 {
		// Edited specs, harness, fakes, stubs or module files are code no
		// static check has read (a replace directive in go.mod swaps Ginkgo
		// for anything): nothing of the lesson is built or run.
		for _, e := range l.Exercises {
			lr.Exercises = append(lr.Exercises, ExerciseReport{ID: e.ID, Title: e.Title.EN,
				File: l.StubDir() + "/" + e.File, MaxScore: float64(e.Points)})
		}
		slices.Sort(tamperedBefore)
		lr.Status, lr.Tampered = LessonTampered, tamperedBefore
		return lr, nil
	}
	result, err := runner.Run(ctx, runner.Options{
		Root: opts.Root, Lesson: l, Solution: solution, Race: true, Budget: opts.Budget,
		MemoryLimit: opts.MemoryLimit, BudgetPerSpec: 10 * time.Second,
	})
	if err != nil {
		return lr, err
	}
	lr.Elapsed = result.Elapsed
	lr.RaceDetector = result.RaceDetector
	lr.raceUnavailable = result.RaceUnavailable
	for _, f := range result.Refused {
		lr.Refused = append(lr.Refused, f.String())
	}
	byExercise := map[string][]runner.Spec{}
	for _, s := range result.Specs {
		byExercise[s.Exercise] = append(byExercise[s.Exercise], s)
	}
	allPassed := true
	for _, e := range l.Exercises {
		er := ExerciseReport{ID: e.ID, Title: e.Title.EN, File: l.StubDir() + "/" + e.File, MaxScore: float64(e.Points)}
		passed := 0
		for _, s := range byExercise[e.ID] {
			er.Specs = append(er.Specs, SpecReport{
				Name: s.Name, Status: string(s.Status), Stub: s.Stub, Message: s.Message, Location: relLocation(opts.Root, s.Location),
			})
			if s.Status == runner.Passed {
				passed++
			}
		}
		if n := len(er.Specs); n > 0 {
			er.Score = round(float64(e.Points) * float64(passed) / float64(n))
		}
		if passed < len(er.Specs) || len(er.Specs) == 0 {
			allPassed = false
		}
		lr.Exercises = append(lr.Exercises, er)
	}

	switch {
	case result.BuildError != "":
		lr.Status = LessonBuildError
		lr.BuildError = result.BuildError
	case result.StartError != "":
		lr.Status = LessonNoStart
		lr.StartError = result.StartError
	case allPassed:
		lr.Status = LessonPassed
	default:
		lr.Status = LessonFailed
	}
	for _, e := range lr.Exercises {
		lr.Score += e.Score
	}
	lr.Score = round(lr.Score)

	if opts.Pristine != nil {
		tampered, err := opts.Pristine.Changed(opts.Root, l)
		if err != nil {
			return lr, err
		}
		for _, t := range tamperedBefore {
			if !slices.Contains(tampered, t) {
				tampered = append(tampered, t)
			}
		}
		slices.Sort(tampered)
		if len(tampered) > 0 {
			lr.Status = LessonTampered
			lr.Tampered = tampered
			lr.Score = 0
			for i := range lr.Exercises {
				lr.Exercises[i].Score = 0
			}
		}
	}
	return lr, nil
}

func round(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}
