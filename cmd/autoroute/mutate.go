package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"regexp"
	"time"

	"autoroute/internal/mutate"
)

// runMutate derives operator mutants from lessons' references and reports
// which ones the specs kill (a maintainer's command).
func runMutate(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(a.out)
	race := fs.Bool("race", false, "build every mutant with the race detector (slower)")
	raceSurvivors := fs.Bool("race-survivors", true, "run a mutant that survives without the race detector again with it (the specs always run under -race)")
	jobs := fs.Int("j", 0, "mutants built and run at once (default: the number of CPUs)")
	budget := fs.Duration("budget", time.Minute, "real time one mutant's suite may take before it counts as hung (killed)")
	only := fs.String("only", "", "run only the mutants whose id matches this regular expression")
	sample := fs.Int("sample", 0, "run only this fixed sample of each lesson's mutants (the self-test's)")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	verbose := fs.Bool("v", false, "list every mutant, not only the survivors")
	minScore := fs.Float64("min-score", 90, "exit 1 if a lesson kills less than this percentage of its non-equivalent mutants")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	lessons, err := a.lessons(ids)
	if err != nil {
		return err
	}
	var match *regexp.Regexp
	if *only != "" {
		if match, err = regexp.Compile(*only); err != nil {
			return usagef("--only: %v", err)
		}
	}

	failing := false
	var reports []*mutate.Report
	for _, l := range lessons {
		opts := mutate.Options{Root: a.root, Lesson: l, Race: *race, RaceSurvivors: *raceSurvivors, Jobs: *jobs, Budget: *budget}
		var keep map[string]bool
		if *sample > 0 {
			all, err := mutate.Mutants(a.root, l)
			if err != nil {
				return err
			}
			keep = map[string]bool{}
			for _, m := range mutate.Sample(all, *sample) {
				keep[m.ID] = true
			}
		}
		opts.Only = func(m mutate.Mutant) bool {
			return (match == nil || match.MatchString(m.ID)) && (keep == nil || keep[m.ID])
		}
		if !*asJSON {
			fmt.Fprintf(a.out, "%s · mutating %s\n", a.style.bold(l.ID), l.ReferenceDir())
			if *verbose {
				opts.Progress = func(o mutate.Outcome) { printOutcome(a, o) }
			}
		}
		r, err := mutate.Run(ctx, opts)
		if err != nil {
			return err
		}
		reports = append(reports, r)
		if r.Score*100 < *minScore || r.Stale > 0 || len(r.Unknown) > 0 {
			failing = true
		}
		if *asJSON {
			continue
		}
		if !*verbose {
			for _, o := range r.Survivors() {
				printOutcome(a, o)
			}
		}
		for _, o := range r.Outcomes {
			if o.Status == mutate.Stale {
				fmt.Fprintf(a.out, "  %s %s is listed as equivalent in the manifest, yet %s killed it: remove it from equivalent_mutants\n",
					a.style.bad("stale"), o.ID, o.KilledBy)
			}
		}
		for _, id := range r.Unknown {
			fmt.Fprintf(a.out, "  %s equivalent mutant %s in the manifest is not a mutant of the reference any more: remove it or update its id\n",
				a.style.bad("unknown"), id)
		}
		fmt.Fprintf(a.out, "  %d killed, %d survived, %d equivalent, %d did not compile: score %.1f%% (%v)\n",
			r.Killed, r.Survived, r.Equivalent, r.NotCompiled, r.Score*100, r.Elapsed.Round(time.Second))
	}
	if *asJSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	if failing {
		return errFailing
	}
	return nil
}

func printOutcome(a *app, o mutate.Outcome) {
	status := o.Status
	switch o.Status {
	case mutate.Survived, mutate.Stale:
		status = a.style.bad(status)
	case mutate.Killed:
		status = a.style.good(status)
	}
	fmt.Fprintf(a.out, "  %-15s %s:%d  %s\n      %s  →  %s\n", status, o.File, o.Line, o.ID, o.Before, o.After)
	switch {
	case o.KilledBy != "":
		fmt.Fprintf(a.out, "      by %s\n", o.KilledBy)
	case o.Reason != "":
		fmt.Fprintf(a.out, "      %s\n", o.Reason)
	}
}
