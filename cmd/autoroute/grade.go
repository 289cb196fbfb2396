package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"autoroute/internal/grader"
	"autoroute/internal/runner"
)

// gradeConfig is grade's command line.
type gradeConfig struct {
	solution, format, output string
	minScore                 float64
	budget                   time.Duration
	reports                  reportFlags
}

// gradeFlags declares grade's flags (the workflow test parses the
// workflow's command line with them).
func gradeFlags(out io.Writer) (*flag.FlagSet, *gradeConfig) {
	cfg := &gradeConfig{}
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.solution, "solution", "learner", "whose code to grade: learner, or reference (full marks expected)")
	fs.StringVar(&cfg.format, "format", "text", "output format: "+strings.Join(grader.Formats, ", "))
	fs.StringVar(&cfg.output, "o", "", "write the report to this file instead of standard output")
	fs.Float64Var(&cfg.minScore, "min-score", -1, "exit with status 1 when the total score is below this")
	fs.DurationVar(&cfg.budget, "timeout", 10*time.Minute, "real-time budget of one lesson's test process; past it the process is interrupted")
	fs.Var(&cfg.reports, "report", "also write the report in FORMAT to FILE (FORMAT=FILE); repeatable, e.g. --report junit=junit.xml --report markdown=$GITHUB_STEP_SUMMARY")
	return fs, cfg
}

// runGrade scores lessons in every format a classroom needs.
func runGrade(ctx context.Context, a *app, args []string) error {
	fs, cfg := gradeFlags(a.out)
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sol, err := runner.ParseSolution(cfg.solution)
	if err != nil || sol == runner.Stub {
		return usagef("unknown solution %q: want learner or reference", cfg.solution)
	}
	if sol == runner.Reference && os.Getenv("GITHUB_ACTIONS") == "true" {
		return usagef("grade --solution=reference is refused in GitHub Actions: it grades the course's own answers, " +
			"and its full marks would reach the classroom as the learner's. Grade the reference on your own machine, " +
			"or run the self-test (go test ./internal/selftest/)")
	}
	if !validFormat(cfg.format) {
		return usagef("unknown format %q: want one of %s", cfg.format, strings.Join(grader.Formats, ", "))
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
		Root: a.root, Course: a.course, Lessons: lessons, Solution: sol, Pristine: pristine, Budget: cfg.budget,
	})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	colour := cfg.output == "" && a.style.colour
	if err := report.Write(&out, cfg.format, colour); err != nil {
		return err
	}
	if cfg.output != "" {
		if err := writeFile(cfg.output, out.Bytes()); err != nil {
			return err
		}
	} else if _, err := a.out.Write(out.Bytes()); err != nil {
		return err
	}
	for _, r := range cfg.reports {
		var buf bytes.Buffer
		if err := report.Write(&buf, r.format, false); err != nil {
			return err
		}
		if err := writeFile(r.file, buf.Bytes()); err != nil {
			return err
		}
	}
	if cfg.minScore >= 0 && report.Score < cfg.minScore {
		return fmt.Errorf("%w: score %.2f is below the minimum %g", errFailing, report.Score, cfg.minScore)
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

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// reportFlags collects --report FORMAT=FILE flags.
type reportFlags []struct{ format, file string }

func (r *reportFlags) String() string { return "" }

func (r *reportFlags) Set(v string) error {
	format, file, ok := strings.Cut(v, "=")
	if !ok || file == "" || !validFormat(format) {
		return fmt.Errorf("want FORMAT=FILE with FORMAT one of %s, got %q", strings.Join(grader.Formats, ", "), v)
	}
	*r = append(*r, struct{ format, file string }{format, file})
	return nil
}
