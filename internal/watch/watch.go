// Package watch tells when the learner saves a Go file, debounced on an
// injected clock: the burst of events one save makes (an editor that writes
// a temporary file and renames it over the original, a formatter that
// rewrites it a moment later) becomes one change.
package watch

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"autoroute/fakes/clock"
)

// Watcher watches folders for saved Go files.
type Watcher struct {
	fw    *fsnotify.Watcher
	clock clock.Clock
	quiet time.Duration
}

// New starts watching dirs: a save made once New has returned is seen.
// The quiet period is measured on clk.
func New(clk clock.Clock, quiet time.Duration, dirs ...string) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching files: %w", err)
	}
	for _, dir := range dirs {
		if err := fw.Add(dir); err != nil {
			fw.Close()
			return nil, fmt.Errorf("watching %s: %w", dir, err)
		}
	}
	return &Watcher{fw: fw, clock: clk, quiet: quiet}, nil
}

// Run reports saves until ctx ends, then stops watching. After Go files
// were created, written or renamed into place, and then nothing happened
// for the quiet period, it calls onChange with the files, sorted. onChange
// runs on Run's goroutine: saves made meanwhile are reported in the next
// call.
func (w *Watcher) Run(ctx context.Context, onChange func(files []string)) error {
	fw, clk, quiet := w.fw, w.clock, w.quiet
	defer fw.Close()

	pending := map[string]bool{}
	var timer *clock.Timer
	var fire <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("watching files: the watcher closed")
			}
			if !saved(ev) {
				continue
			}
			pending[ev.Name] = true
			if timer == nil {
				timer = clk.NewTimer(quiet)
			} else {
				timer.Reset(quiet)
			}
			fire = timer.C
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("watching files: the watcher closed")
			}
			return fmt.Errorf("watching files: %w", err)
		case <-fire:
			fire = nil
			files := make([]string, 0, len(pending))
			for f := range pending {
				files = append(files, f)
			}
			slices.Sort(files)
			clear(pending)
			onChange(files)
		}
	}
}

// saved reports whether ev leaves a Go source file with new content.
func saved(ev fsnotify.Event) bool {
	name := filepath.Base(ev.Name)
	if filepath.Ext(name) != ".go" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") {
		return false
	}
	return ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) || ev.Has(fsnotify.Rename)
}
