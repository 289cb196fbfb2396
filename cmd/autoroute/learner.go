package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"autoroute/fakes/clock"
	"autoroute/internal/course"
	"autoroute/internal/progress"
	"autoroute/internal/runner"
	"autoroute/internal/watch"
)

// errRefused is a command that declined to act: exit status 1.
var errRefused = errors.New("refused")

// runWatch checks a lesson again each time one of its files is saved.
func runWatch(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(a.out)
	quiet := fs.Duration("quiet", 300*time.Millisecond, "how long the files must stay unchanged before a run")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(ids) > 1 {
		return usagef("watch takes one lesson")
	}
	l, err := a.current(ids)
	if err != nil {
		return err
	}
	dir := filepath.Join(a.root, l.StubDir())
	w, err := watch.New(clock.Real(), *quiet, dir)
	if err != nil {
		return err
	}
	check := func() error {
		if a.style.colour {
			fmt.Fprint(a.out, "\x1b[H\x1b[2J") // clear the terminal
		}
		fmt.Fprintf(a.out, "%s · %s  %s\n", a.style.bold(l.ID), l.Title.EN, a.style.dim(time.Now().Format("15:04:05")))
		store, err := progress.Load(a.root)
		if err != nil {
			return err
		}
		result, err := runner.Run(ctx, runner.Options{Root: a.root, Lesson: l, Race: true})
		if err != nil {
			return err
		}
		if err := store.Record(a.root, l, result); err != nil {
			return err
		}
		if err := store.Save(); err != nil {
			return err
		}
		printLesson(a, store, l, result, detailFirst)
		fmt.Fprintf(a.out, "\n%s\n", a.style.dim("Watching "+l.StubDir()+": save a file to check again, Ctrl-C to stop."))
		return nil
	}
	if err := check(); err != nil {
		return err
	}
	var failed error
	runErr := w.Run(ctx, func([]string) {
		if err := check(); err != nil && ctx.Err() == nil {
			failed = err
		}
	})
	if runErr != nil {
		return runErr
	}
	return failed
}

// current resolves the lesson a command is about: the one named, or the
// first with an unfinished exercise.
func (a *app) current(ids []string) (*course.Lesson, error) {
	if len(ids) == 1 {
		l, err := a.course.Lesson(ids[0])
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return l, nil
	}
	store, err := progress.Load(a.root)
	if err != nil {
		return nil, err
	}
	for _, l := range a.course.Lessons {
		if firstUnfinished(l, store.Lessons[l.ID]) != nil {
			return l, nil
		}
	}
	return a.course.Lessons[0], nil
}

// runSolution prints a lesson's reference solution once the learner's
// passes.
func runSolution(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("solution", flag.ContinueOnError)
	fs.SetOutput(a.out)
	force := fs.Bool("force", false, "show it even though your solution does not pass yet")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usagef("solution takes one lesson, such as: solution runtime")
	}
	l, err := a.course.Lesson(ids[0])
	if err != nil {
		return usageError{err.Error()}
	}
	if !*force {
		store, err := progress.Load(a.root)
		if err != nil {
			return err
		}
		entry := store.Lessons[l.ID]
		switch {
		case entry == nil:
			return fmt.Errorf("%w: check the lesson first (go tool autoroute check %s); the solution opens once it passes, or use --force", errRefused, l.ID)
		case store.Stale(a.root, l):
			return fmt.Errorf("%w: your files changed since the last check; check again (go tool autoroute check %s), or use --force", errRefused, l.ID)
		case firstUnfinished(l, entry) != nil:
			return fmt.Errorf("%w: lesson %s does not pass yet; the solution opens once it does, or use --force", errRefused, l.ID)
		}
	}
	for _, f := range l.Files() {
		data, err := os.ReadFile(filepath.Join(a.root, l.ReferenceDir(), f))
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "%s\n%s\n", a.style.bold("// ==== "+filepath.ToSlash(filepath.Join(l.ReferenceDir(), f))+" ===="), data)
	}
	return nil
}

// runReset puts the pristine stubs back over the learner's files, of a
// whole lesson or of one exercise (reset runtime/lanes), after asking.
func runReset(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("reset", flag.ContinueOnError)
	fs.SetOutput(a.out)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	ids, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usagef("reset takes one lesson or one lesson/exercise, such as: reset runtime, reset runtime/lanes")
	}
	lessonID, exerciseID, one := strings.Cut(ids[0], "/")
	l, err := a.course.Lesson(lessonID)
	if err != nil {
		return usageError{err.Error()}
	}
	files := l.Files()
	if one {
		e, err := l.Exercise(exerciseID)
		if err != nil {
			return usageError{err.Error()}
		}
		files = []string{e.File}
	}
	if !*yes {
		what, stubs, them := "{"+strings.Join(files, ",")+"}", "stubs", "them"
		if len(files) == 1 {
			what, stubs, them = files[0], "stub", "it"
		}
		fmt.Fprintf(a.out, "Replace %s/%s with the untouched %s? Your work in %s will be lost. [y/N] ",
			filepath.ToSlash(l.StubDir()), what, stubs, them)
		answer, _ := bufio.NewReader(a.in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: nothing was changed", errRefused)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(a.root, l.PristineDir(), f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(a.root, l.StubDir(), f), data, 0o644); err != nil {
			return fmt.Errorf("restoring %s: %w", f, err)
		}
	}
	noun := "files"
	if len(files) == 1 {
		noun = "file"
	}
	fmt.Fprintf(a.out, "Restored %d %s in %s.\n", len(files), noun, filepath.ToSlash(l.StubDir()))
	return nil
}
