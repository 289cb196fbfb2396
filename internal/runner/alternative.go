package runner

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"autoroute/internal/course"
)

// AlternativePrefix starts a --solution that names one of a lesson's
// alternative solutions: "alternative/<name>".
const AlternativePrefix = "alternative/"

// WithAlternative returns opts set to run the lesson's alternative solution
// name (lessons/<dir>/alternatives/<name>/, see course.Lesson.Alternatives)
// in place of the learner's package: the reference's overlay with every
// file replaced by the alternative's, then opts.Replace on top.
func WithAlternative(opts Options, name string) (Options, error) {
	l := opts.Lesson
	names, err := l.Alternatives(opts.Root)
	if err != nil {
		return opts, err
	}
	found := false
	for _, n := range names {
		found = found || n == name
	}
	if !found {
		return opts, fmt.Errorf("lesson %s has no alternative solution %q (in %s: %v)", l.ID, name, l.AlternativesDir(), names)
	}
	replace, err := AlternativeFiles(opts.Root, l, name)
	if err != nil {
		return opts, err
	}
	maps.Copy(replace, opts.Replace)
	opts.Solution, opts.Replace = Reference, replace
	return opts, nil
}

// AlternativeFiles reads the lesson's files from its alternative name.
func AlternativeFiles(root string, l *course.Lesson, name string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, f := range l.Files() {
		data, err := os.ReadFile(filepath.Join(root, l.AlternativeDir(name), f))
		if err != nil {
			return nil, fmt.Errorf("alternative %s of lesson %s: %w (an alternative holds every file of the lesson)", name, l.ID, err)
		}
		files[f] = data
	}
	return files, nil
}
