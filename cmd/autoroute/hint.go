package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"autoroute/internal/progress"
)

// runHint shows an exercise's hints up to the next one.
func runHint(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("hint", flag.ContinueOnError)
	fs.SetOutput(a.out)
	all := fs.Bool("all", false, "show every hint at once")
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 || !strings.Contains(positional[0], "/") {
		return usagef("hint takes one lesson/exercise, such as runtime/hello")
	}
	lessonID, exerciseID, _ := strings.Cut(positional[0], "/")
	l, err := a.course.Lesson(lessonID)
	if err != nil {
		return usageError{err.Error()}
	}
	e, err := l.Exercise(exerciseID)
	if err != nil {
		return usageError{err.Error()}
	}
	store, err := progress.Load(a.root)
	if err != nil {
		return err
	}
	key := l.ID + "/" + e.ID
	shown := min(store.Hints[key]+1, len(e.Hints))
	if *all {
		shown = len(e.Hints)
	}
	store.Hints[key] = shown
	if err := store.Save(); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "%s — %s\n", a.style.bold(key), e.Title.EN)
	for i := range shown {
		fmt.Fprintf(a.out, "\nHint %d of %d: %s\n", i+1, len(e.Hints), e.Hints[i])
	}
	if shown < len(e.Hints) {
		fmt.Fprintf(a.out, "\n%s\n", a.style.dim("Run the same command again for the next hint."))
	}
	return nil
}
