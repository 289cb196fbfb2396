package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"autoroute/internal/course"
	"autoroute/internal/grader"
	"autoroute/internal/progress"
)

// runMap prints the course map: each lesson's progress, from the results
// of the last checks, and the next thing to do.
func runMap(_ context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	store, err := progress.Load(a.root)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.out, a.style.bold("Autoroute")+" — concurrency in Go, the way the Tokio tutorial teaches it")
	fmt.Fprintln(a.out)
	var next *course.Lesson
	var nextExercise *course.Exercise
	width := 0
	for _, l := range a.course.Lessons {
		width = max(width, utf8.RuneCountInString(l.Title.EN))
	}
	for i, l := range a.course.Lessons {
		entry := store.Lessons[l.ID]
		status := a.style.dim("not checked yet")
		if entry != nil {
			earned, total := 0, 0
			for _, e := range l.Exercises {
				c := entry.Exercises[e.ID]
				total += e.Points
				if c.Total > 0 {
					earned += e.Points * c.Passed / c.Total
				}
			}
			status = fmt.Sprintf("%s %3d/%d points, checked %s", bar(earned, total), earned, total, ago(entry.CheckedAt))
			if entry.BuildError {
				status = a.style.bad("does not compile") + ", checked " + ago(entry.CheckedAt)
			}
			if store.Stale(a.root, l) {
				status += a.style.dim(" (changed since)")
			}
		}
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(l.Title.EN))
		fmt.Fprintf(a.out, "  %02d %-10s %s%s  %s\n", i+1, l.ID, l.Title.EN, pad, status)
		if next == nil {
			if e := firstUnfinished(l, entry); e != nil {
				next, nextExercise = l, e
			}
		}
	}
	fmt.Fprintln(a.out)
	if next == nil {
		fmt.Fprintln(a.out, a.style.good("Every lesson passes. Well driven!"))
		return nil
	}
	fmt.Fprintf(a.out, "Next: %s, exercise %s — %s\n", next.ID, nextExercise.ID, nextExercise.Title.EN)
	fmt.Fprintf(a.out, "  read  %s (section %q)\n", next.Readme("en"), nextExercise.ID)
	fmt.Fprintf(a.out, "  edit  %s/%s\n", next.StubDir(), nextExercise.File)
	fmt.Fprintf(a.out, "  check go run ./cmd/autoroute check %s\n", next.ID)
	return nil
}

// firstUnfinished is the first exercise of l whose specs did not all pass
// at the last check (the first one, if l was never checked).
func firstUnfinished(l *course.Lesson, entry *progress.Lesson) *course.Exercise {
	for _, e := range l.Exercises {
		if entry == nil || entry.BuildError || !entry.Exercises[e.ID].Done() {
			return e
		}
	}
	return nil
}

func bar(earned, total int) string {
	const width = 10
	filled := 0
	if total > 0 {
		filled = earned * width / total
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

func ago(t time.Time) string {
	d := time.Since(t).Round(time.Minute)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.Local().Format("2006-01-02")
}

// runList prints the lessons and their exercises.
func runList(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(a.out)
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	lessons, err := a.lessons(ids)
	if err != nil {
		return err
	}
	for i, l := range lessons {
		if i > 0 {
			fmt.Fprintln(a.out)
		}
		fmt.Fprintf(a.out, "%s  %s  (%d points, %s)\n", a.style.bold(l.ID), l.Title.EN, l.Points(), l.Readme("en"))
		for _, e := range l.Exercises {
			fmt.Fprintf(a.out, "  %-14s %3d pts  %-28s %s\n", e.ID, e.Points, l.StubDir()+"/"+e.File, e.Title.EN)
		}
	}
	return nil
}

// runGenerate regenerates what is generated from the course: the blocks of
// the lesson texts that come from the manifest, and the checksums of the
// protected files the grader is built with.
func runGenerate(_ context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usagef("generate takes no arguments")
	}
	var errs []error
	for _, l := range a.course.Lessons {
		if err := l.WriteDocs(a.root); err != nil {
			errs = append(errs, err)
		}
	}
	sums, err := grader.ComputeSums(a.root)
	if err != nil {
		return err
	}
	path := filepath.Join(a.root, "internal", "grader", "pristine.sum")
	if err := os.WriteFile(path, sums.Format(), 0o644); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
