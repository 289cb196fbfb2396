package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"autoroute/internal/grader"
	"autoroute/internal/runner"
)

// runGrade scores lessons in every format a classroom needs.
func runGrade(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(a.out)
	solution := fs.String("solution", "learner", "whose code to grade: learner, or reference (full marks expected)")
	format := fs.String("format", "text", "output format: "+strings.Join(grader.Formats, ", "))
	output := fs.String("o", "", "write the report to this file instead of standard output")
	minScore := fs.Float64("min-score", -1, "exit with status 1 when the total score is below this")
	budget := fs.Duration("timeout", 10*time.Minute, "real-time budget of one lesson's test process; past it the process is interrupted")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sol, err := runner.ParseSolution(*solution)
	if err != nil || sol == runner.Stub {
		return usagef("unknown solution %q: want learner or reference", *solution)
	}
	if !validFormat(*format) {
		return usagef("unknown format %q: want one of %s", *format, strings.Join(grader.Formats, ", "))
	}
	lessons, err := a.lessons(ids)
	if err != nil {
		return err
	}
	pristine, err := grader.Pristine()
	if err != nil {
		return err
	}

	report, err := grader.Grade(ctx, grader.Options{
		Root: a.root, Course: a.course, Lessons: lessons, Solution: sol, Pristine: pristine, Budget: *budget,
	})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	colour := *output == "" && a.style.colour
	if err := report.Write(&out, *format, colour); err != nil {
		return err
	}
	if *output != "" {
		if err := os.MkdirAll(filepath.Dir(*output), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(*output, out.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	} else if _, err := a.out.Write(out.Bytes()); err != nil {
		return err
	}
	if *minScore >= 0 && report.Score < *minScore {
		return fmt.Errorf("%w: score %.2f is below the minimum %g", errFailing, report.Score, *minScore)
	}
	return nil
}

func validFormat(f string) bool {
	for _, known := range grader.Formats {
		if f == known {
			return true
		}
	}
	return false
}
