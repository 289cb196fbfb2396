package course

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// An alternative is another correct design of a lesson's solution, kept in
// lessons/<dir>/alternatives/<name>/ as a complete, normal package: exactly
// the lesson's files (exercises and support files, which may differ from the
// reference's in what is unexported), with the lesson's package name, so that
// it builds and go vet checks it on its own like the reference. The
// self-test swaps it in, file for file, like the reference, and requires it
// to pass every spec.

// AlternativesDir is the folder of the lesson's alternative solutions.
func (l *Lesson) AlternativesDir() string { return filepath.Join("lessons", l.Dir, "alternatives") }

// AlternativeDir is the folder of one alternative solution.
func (l *Lesson) AlternativeDir(name string) string { return filepath.Join(l.AlternativesDir(), name) }

// Alternatives lists the names of the lesson's alternative solutions under
// root, sorted; none is not an error.
func (l *Lesson) Alternatives(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, l.AlternativesDir()))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "_") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// Equivalent is a mutant of the reference that behaves exactly like it.
type Equivalent struct {
	ID     string `yaml:"id"`     // the mutant's id, as autoroute mutate prints it
	Reason string `yaml:"reason"` // one line: why no spec can tell it from the reference
	Line   int    `yaml:"-"`
}

func (l *Lesson) validateEquivalents() []string {
	var errs []string
	seen := map[string]bool{}
	for _, e := range l.Equivalents {
		switch {
		case strings.Count(e.ID, ":") < 3:
			errs = append(errs, fmt.Sprintf("%d: equivalent mutant %q: want an id file:function:operator:ordinal, as autoroute mutate prints it", e.Line, e.ID))
		case seen[e.ID]:
			errs = append(errs, fmt.Sprintf("%d: equivalent mutant %q is listed twice in lesson %s", e.Line, e.ID, l.ID))
		}
		seen[e.ID] = true
		if strings.TrimSpace(e.Reason) == "" || strings.Contains(strings.TrimSpace(e.Reason), "\n") {
			errs = append(errs, fmt.Sprintf("%d: equivalent mutant %q: reason must be one line saying why it behaves like the reference", e.Line, e.ID))
		}
	}
	return errs
}
