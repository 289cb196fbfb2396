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

	"autoroute/internal/course"
	"autoroute/internal/grader"
	"autoroute/internal/progress"
)

// runMap prints the course map: each lesson's progress, from the results
// of the last checks, and the next thing to do. It fits the screen's width
// (80 columns unless $COLUMNS says otherwise).
func runMap(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("map", flag.ContinueOnError)
	fs.SetOutput(a.out)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q: map takes none", rest[0])
	}
	store, err := progress.Load(a.root)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.out, a.style.bold("Autoroute")+" — concurrency in Go, the way the Tokio tutorial teaches it")
	fmt.Fprintln(a.out)
	var next *course.Lesson
	var nextExercise *course.Exercise
	var table columns
	stale := false
	var last *progress.Lesson
	lastID := ""
	for i, l := range a.course.Lessons {
		entry := store.Lessons[l.ID]
		status, paint := "not checked yet", a.style.dim
		if entry != nil {
			earned, total := 0, 0
			for _, e := range l.Exercises {
				c := entry.Exercises[e.ID]
				total += e.Points
				if c.Total > 0 {
					earned += e.Points * c.Passed / c.Total
				}
			}
			status, paint = fmt.Sprintf("%s %3d/%d", bar(earned, total), earned, total), nil
			if entry.BuildError {
				status, paint = "does not compile", a.style.bad
			}
			if store.Stale(a.root, l) {
				status += " *"
				stale = true
			}
			if last == nil || entry.CheckedAt.After(last.CheckedAt) {
				last, lastID = entry, l.ID
			}
		}
		table.addStyled([]func(string) string{nil, paint}, fmt.Sprintf("%02d %s", i+1, l.ID), status, l.Title.EN)
		if next == nil {
			if e := firstUnfinished(l, entry); e != nil {
				next, nextExercise = l, e
			}
		}
	}
	for _, line := range table.lines("  ", screenWidth()) {
		fmt.Fprintln(a.out, line)
	}
	if stale {
		fmt.Fprintln(a.out, a.style.dim("  * your files changed since this lesson's last check"))
	}
	if last != nil {
		fmt.Fprintln(a.out, a.style.dim(fmt.Sprintf("  last check: %s, %s", lastID, ago(last.CheckedAt))))
	}
	fmt.Fprintln(a.out)
	if next == nil {
		fmt.Fprintln(a.out, a.style.good("Every lesson passes. Well driven!"))
		return nil
	}
	fmt.Fprintf(a.out, "Next: %s, exercise %s\n", next.ID, nextExercise.ID)
	for _, line := range wrap(nextExercise.Title.EN, screenWidth()-8) {
		fmt.Fprintf(a.out, "  %s\n", line)
	}
	fmt.Fprintf(a.out, "  read  %s (section %q)\n", next.Readme("en"), nextExercise.ID)
	fmt.Fprintf(a.out, "  edit  %s\n", filepath.ToSlash(filepath.Join(next.StubDir(), nextExercise.File)))
	fmt.Fprintf(a.out, "  check %s check %s\n", invocation, next.ID)
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

// runList prints the lessons and their exercises: id, points, file and
// title, in columns that stay aligned whatever the names' lengths, within
// the screen's width.
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
	var table columns
	var starts []int // the row where each lesson begins
	for _, l := range lessons {
		starts = append(starts, len(table.rows))
		for _, e := range l.Exercises {
			table.add(e.ID, fmt.Sprintf("%3d", e.Points), e.File, e.Title.EN)
		}
	}
	rows := table.rowLines("  ", screenWidth())
	row := 0
	for i, l := range lessons {
		if i > 0 {
			fmt.Fprintln(a.out)
		}
		fmt.Fprintf(a.out, "%s  %s\n", a.style.bold(l.ID), l.Title.EN)
		fmt.Fprintln(a.out, a.style.dim(fmt.Sprintf("  %d points · read %s · edit %s/", l.Points(), l.Readme("en"), filepath.ToSlash(l.StubDir()))))
		end := len(table.rows)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		for ; row < end; row++ {
			for _, line := range rows[row] {
				fmt.Fprintln(a.out, line)
			}
		}
	}
	return nil
}

// runGenerate regenerates what is generated from the course: the blocks of
// the lesson texts that come from the manifest, and the checksums of the
// protected files the grader is built with.
func runGenerate(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(a.out)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
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
