package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"autoroute/internal/course"
	"autoroute/internal/progress"
	"autoroute/internal/runner"
)

// runCheck runs lessons' suites under the race detector and explains what
// failed, with the learner's current hint for the first unfinished
// exercise.
func runCheck(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(a.out)
	solution := fs.String("solution", "learner", "whose code to check: learner, reference (the maintainer's view), stub, or alternative/<name> (one of lessons/NN-x/alternatives/)")
	verbose := fs.Bool("v", false, "explain every failing spec, not only the first unfinished exercise's")
	repeat := fs.Int("repeat", 0, "run each suite this many times in shuffled orders (seeds 1..N), to hunt flakes; a spec fails if any run fails it")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	alternative, isAlternative := strings.CutPrefix(*solution, runner.AlternativePrefix)
	sol := runner.Reference
	if !isAlternative {
		if sol, err = runner.ParseSolution(*solution); err != nil {
			return usageError{err.Error()}
		}
	}
	lessons, err := a.lessons(ids)
	if err != nil {
		return err
	}
	store, err := progress.Load(a.root)
	if err != nil {
		return err
	}

	failing := false
	for i, l := range lessons {
		if i > 0 {
			fmt.Fprintln(a.out)
		}
		fmt.Fprintf(a.out, "%s · %s  %s\n", a.style.bold(l.ID), l.Title.EN, a.style.dim("("+l.Readme("en")+")"))
		opts := runner.Options{Root: a.root, Lesson: l, Solution: sol, Race: true}
		if isAlternative {
			if opts, err = runner.WithAlternative(opts, alternative); err != nil {
				return usageError{err.Error()}
			}
		}
		for seed := 1; seed <= *repeat; seed++ {
			opts.Seeds = append(opts.Seeds, int64(seed))
		}
		result, err := runner.Run(ctx, opts)
		if err != nil {
			return err
		}
		if result.RaceUnavailable != "" && i == 0 { // said once: it holds for every lesson
			fmt.Fprintln(a.out, "  "+a.style.dim(result.RaceUnavailable))
		}
		if *repeat > 0 {
			fmt.Fprintf(a.out, "  %d shuffled runs in %d processes, %v\n", *repeat, result.Processes, result.Elapsed.Round(time.Millisecond))
		}
		if sol == runner.Learner {
			// Saved before anything is printed: `check | head` may end
			// this process at its next write (SIGPIPE), and the result
			// must be kept all the same.
			if err := store.Record(a.root, l, result); err != nil {
				return err
			}
			if err := store.Save(); err != nil {
				return err
			}
		}
		detail := detailExercise
		if *verbose {
			detail = detailAll
		}
		if !printLesson(a, store, l, result, detail) {
			failing = true
		}
	}
	if failing {
		return errFailing
	}
	return nil
}

// How much of the failures printLesson explains.
type detail int

const (
	detailFirst    detail = iota // the first failing spec of the first unfinished exercise
	detailExercise               // every failing spec of the first unfinished exercise
	detailAll                    // every failing spec
)

// printLesson prints one lesson's result and reports whether it passed.
func printLesson(a *app, store *progress.Store, l *course.Lesson, r *runner.Result, level detail) bool {
	if r.BuildError != "" {
		fmt.Fprintln(a.out, a.style.bad("  The lesson does not compile. Fix this first:"))
		fmt.Fprintln(a.out, indent(r.BuildError, "    "))
		return false
	}
	if r.StartError != "" {
		fmt.Fprintln(a.out, a.style.bad("  The lesson's tests did not start:"))
		fmt.Fprintln(a.out, indent(r.StartError, "    "))
		return false
	}
	byExercise := map[string][]runner.Spec{}
	for _, s := range r.Specs {
		byExercise[s.Exercise] = append(byExercise[s.Exercise], s)
	}
	passedSpecs, earned := 0, 0.0
	var first *course.Exercise
	idWidth := 14 // the columns stay aligned for the longest exercise id
	for _, e := range l.Exercises {
		idWidth = max(idWidth, len(e.ID))
	}
	for _, e := range l.Exercises {
		specs := byExercise[e.ID]
		passed := 0
		for _, s := range specs {
			if s.Status == runner.Passed {
				passed++
			}
		}
		passedSpecs += passed
		points := 0.0
		if len(specs) > 0 {
			points = float64(e.Points) * float64(passed) / float64(len(specs))
		}
		earned += points
		mark := a.style.good("✓")
		if passed < len(specs) || len(specs) == 0 {
			mark = a.style.bad("✗")
			if first == nil {
				first = e
			}
		}
		fmt.Fprintf(a.out, "  %s %-*s %5s specs  %s\n", mark, idWidth, e.ID, fmt.Sprintf("%d/%d", passed, len(specs)),
			a.style.dim(fmt.Sprintf("%g/%d points", round(points), e.Points)))
	}
	for _, e := range l.Exercises {
		if e != first && !(level == detailAll && hasFailure(byExercise[e.ID])) {
			continue
		}
		fmt.Fprintf(a.out, "\n  %s %s (%s/%s)\n", a.style.bold("Exercise"), e.ID, l.StubDir(), e.File)
		shown := 0
		for _, s := range byExercise[e.ID] {
			if s.Status == runner.Passed || (level == detailFirst && shown > 0) {
				continue
			}
			shown++
			fmt.Fprintf(a.out, "    %s %s %s\n", a.style.bad("✗"), s.Name, a.style.dim("["+describe(s)+"]"))
			fmt.Fprintln(a.out, indent(s.Message, "        "))
			if level == detailAll && s.Detail != "" { // the race detector's own report, under -v
				fmt.Fprintln(a.out, indent(s.Detail, "        "))
			}
		}
		if e == first {
			level := max(store.Hints[l.ID+"/"+e.ID], 1)
			fmt.Fprintf(a.out, "\n    Hint %d of %d: %s\n", level, len(e.Hints), e.Hints[level-1])
			if level < len(e.Hints) {
				fmt.Fprintf(a.out, "    %s\n", a.style.dim("More: "+invocation+" hint "+l.ID+"/"+e.ID))
			}
		}
	}
	fmt.Fprintf(a.out, "\n  %s: %d of %d specs pass, %g of %d points.\n", l.ID, passedSpecs, len(r.Specs), round(earned), l.Points())
	return first == nil
}

func hasFailure(specs []runner.Spec) bool {
	for _, s := range specs {
		if s.Status != runner.Passed {
			return true
		}
	}
	return false
}

func describe(s runner.Spec) string {
	if s.Stub {
		return "still a stub"
	}
	return string(s.Status)
}

func round(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, line := range lines {
		lines[i] = prefix + line
	}
	return strings.Join(lines, "\n")
}
