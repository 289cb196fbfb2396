// Package course loads the course manifest, lessons/course.yaml: the single
// source of truth for the lessons, their exercises, points, hints and the
// catalogue of common mistakes. Everything else (the CLI, the grader, the
// self-test, the lesson texts) reads the course through this package.
package course

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ManifestPath is where the manifest lives, relative to the module root.
const ManifestPath = "lessons/course.yaml"

// Course is the whole course, lessons in the order they are taught.
type Course struct {
	Root    string    `yaml:"-"` // the module root it was loaded from
	Lessons []*Lesson `yaml:"lessons"`
}

// Text is a sentence in the course's two languages.
type Text struct {
	EN string `yaml:"en"`
	FR string `yaml:"fr"`
}

// Lesson is one concept of the course.
type Lesson struct {
	ID        string      `yaml:"id"`      // used on the command line and as specs/<id>
	Dir       string      `yaml:"dir"`     // folder under lessons/, e.g. 01-runtime
	Package   string      `yaml:"package"` // the learner's package, solutions/<package>
	Title     Text        `yaml:"title"`
	Support   []string    `yaml:"support"` // files given whole to the learner, identical in reference and stub
	Exercises []*Exercise `yaml:"exercises"`
	Mistakes  []*Mistake  `yaml:"mistakes"`
	Fuzz      []string    `yaml:"fuzz"` // fuzz targets of the suite, run briefly on the reference by the self-test
	Line      int         `yaml:"-"`

	// Equivalents are the mutants of the reference (autoroute mutate) that
	// behave exactly like it, so no spec can kill them.
	Equivalents []*Equivalent `yaml:"equivalent_mutants"`
}

// Exercise is one stub file to fill in and the specs that grade it.
type Exercise struct {
	ID     string   `yaml:"id"`   // the label of its top-level Describe
	File   string   `yaml:"file"` // stub in solutions/<package>/, reference in lessons/<dir>/reference/
	Points int      `yaml:"points"`
	Title  Text     `yaml:"title"`
	Hints  []string `yaml:"hints"` // progressive: the first nudges, the last nearly tells
	Line   int      `yaml:"-"`
}

// Mistake is a bug learners really write, described as a change to the
// reference solution, and the spec that must catch it.
type Mistake struct {
	ID       string `yaml:"id"`
	Exercise string `yaml:"exercise"`  // the exercise whose spec catches it
	File     string `yaml:"file"`      // the reference file the change applies to
	Replace  string `yaml:"replace"`   // text that occurs exactly once in that file
	With     string `yaml:"with"`      // what the learner wrote instead
	Lesson   Text   `yaml:"lesson"`    // one sentence that teaches
	CaughtBy string `yaml:"caught_by"` // the It text of the spec that fails
	Line     int    `yaml:"-"`
}

// Load reads and validates the manifest under root, the module root.
func Load(root string) (*Course, error) {
	path := filepath.Join(root, ManifestPath)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the course manifest: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.Root = root
	return c, nil
}

// Parse decodes and validates a manifest. name is used in error messages,
// which read "name:line: what is wrong".
func Parse(name string, data []byte) (*Course, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, lineError(err))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the manifest is empty", name)
	}
	var c Course
	if err := decodeStrict(doc.Content[0], &c); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	if errs := c.validate(); len(errs) > 0 {
		var b strings.Builder
		for i, e := range errs {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s:%s", name, e)
		}
		return nil, errors.New(b.String())
	}
	return &c, nil
}

// Lesson returns the lesson with the given id, or an error listing the ids
// there are.
func (c *Course) Lesson(id string) (*Lesson, error) {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l, nil
		}
	}
	return nil, fmt.Errorf("unknown lesson %q; the lessons are: %s", id, strings.Join(c.IDs(), ", "))
}

// IDs returns the lesson ids in course order.
func (c *Course) IDs() []string {
	ids := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		ids[i] = l.ID
	}
	return ids
}

// Exercise returns the exercise with the given id.
func (l *Lesson) Exercise(id string) (*Exercise, error) {
	for _, e := range l.Exercises {
		if e.ID == id {
			return e, nil
		}
	}
	ids := make([]string, len(l.Exercises))
	for i, e := range l.Exercises {
		ids[i] = e.ID
	}
	return nil, fmt.Errorf("lesson %s has no exercise %q; its exercises are: %s", l.ID, id, strings.Join(ids, ", "))
}

// Points is the lesson's maximum score.
func (l *Lesson) Points() int {
	total := 0
	for _, e := range l.Exercises {
		total += e.Points
	}
	return total
}

// Paths of a lesson's parts, relative to the module root.

// SpecDir is where the lesson's Ginkgo suite lives.
func (l *Lesson) SpecDir() string { return filepath.Join("specs", l.ID) }

// StubDir is the learner's package.
func (l *Lesson) StubDir() string { return filepath.Join("solutions", l.Package) }

// ReferenceDir is the reference solution's package.
func (l *Lesson) ReferenceDir() string { return filepath.Join("lessons", l.Dir, "reference") }

// Readme is the lesson's text in the given language ("en" or "fr").
func (l *Lesson) Readme(lang string) string {
	if lang == "fr" {
		return filepath.Join("lessons", l.Dir, "README.fr.md")
	}
	return filepath.Join("lessons", l.Dir, "README.md")
}

// Files returns the lesson's Go files in the learner's package: the
// exercises' stubs and the support files.
func (l *Lesson) Files() []string {
	var files []string
	for _, e := range l.Exercises {
		files = append(files, e.File)
	}
	return append(files, l.Support...)
}

// Apply returns the reference file's content with the mistake made.
func (m *Mistake) Apply(reference []byte) ([]byte, error) {
	n := bytes.Count(reference, []byte(m.Replace))
	if n != 1 {
		return nil, fmt.Errorf("mistake %s: the text to replace occurs %d times in %s, want exactly once:\n%s",
			m.ID, n, m.File, m.Replace)
	}
	return bytes.Replace(reference, []byte(m.Replace), []byte(m.With), 1), nil
}

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	packagePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
)

// Package names a learner must not be given: keywords, and standard
// packages they will import beside ours.
var reservedPackages = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var",
	"runtime", "context", "time", "sync", "net", "io", "errors", "fmt", "os", "testing",
}

func (c *Course) validate() []string {
	var errs []string
	add := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%d: %s", line, fmt.Sprintf(format, args...)))
	}
	if len(c.Lessons) == 0 {
		add(1, "no lessons")
	}
	seen := map[string]bool{}
	for _, l := range c.Lessons {
		switch {
		case !idPattern.MatchString(l.ID):
			add(l.Line, "lesson id %q: want lower-case letters, digits and dashes", l.ID)
		case seen[l.ID]:
			add(l.Line, "lesson id %q is used twice", l.ID)
		}
		seen[l.ID] = true
		if l.Dir == "" || strings.ContainsAny(l.Dir, `/\`) {
			add(l.Line, "lesson %s: dir %q must be one folder name under lessons/", l.ID, l.Dir)
		}
		if !packagePattern.MatchString(l.Package) || slices.Contains(reservedPackages, l.Package) {
			add(l.Line, "lesson %s: package %q must be a lower-case Go identifier that is neither a keyword nor a standard package the learner imports", l.ID, l.Package)
		}
		if l.Title.EN == "" || l.Title.FR == "" {
			add(l.Line, "lesson %s: title needs both en and fr", l.ID)
		}
		if len(l.Exercises) == 0 {
			add(l.Line, "lesson %s has no exercises", l.ID)
		}
		files := map[string]bool{}
		for _, f := range l.Support {
			if !strings.HasSuffix(f, ".go") || strings.ContainsAny(f, `/\`) {
				add(l.Line, "lesson %s: support file %q must be a .go file name", l.ID, f)
			}
			files[f] = true
		}
		exercises := map[string]bool{}
		for _, e := range l.Exercises {
			switch {
			case !idPattern.MatchString(e.ID):
				add(e.Line, "exercise id %q: want lower-case letters, digits and dashes", e.ID)
			case exercises[e.ID]:
				add(e.Line, "exercise id %q is used twice in lesson %s", e.ID, l.ID)
			}
			exercises[e.ID] = true
			if !strings.HasSuffix(e.File, ".go") || strings.HasSuffix(e.File, "_test.go") || strings.ContainsAny(e.File, `/\`) {
				add(e.Line, "exercise %s: file %q must be a .go file name", e.ID, e.File)
			}
			if files[e.File] {
				add(e.Line, "exercise %s: file %s is already used in lesson %s", e.ID, e.File, l.ID)
			}
			files[e.File] = true
			if e.Points <= 0 {
				add(e.Line, "exercise %s: points must be positive, got %d", e.ID, e.Points)
			}
			if e.Title.EN == "" || e.Title.FR == "" {
				add(e.Line, "exercise %s: title needs both en and fr", e.ID)
			}
			if len(e.Hints) < 2 {
				add(e.Line, "exercise %s: needs at least two progressive hints, has %d", e.ID, len(e.Hints))
			}
		}
		for _, target := range l.Fuzz {
			if !strings.HasPrefix(target, "Fuzz") {
				add(l.Line, "lesson %s: fuzz target %q must be a FuzzXxx function of specs/%s", l.ID, target, l.ID)
			}
		}
		errs = append(errs, l.validateEquivalents()...)
		mistakes := map[string]bool{}
		for _, m := range l.Mistakes {
			switch {
			case !idPattern.MatchString(m.ID):
				add(m.Line, "mistake id %q: want lower-case letters, digits and dashes", m.ID)
			case mistakes[m.ID]:
				add(m.Line, "mistake id %q is used twice in lesson %s", m.ID, l.ID)
			}
			mistakes[m.ID] = true
			if !exercises[m.Exercise] {
				add(m.Line, "mistake %s: exercise %q is not an exercise of lesson %s", m.ID, m.Exercise, l.ID)
			}
			if !files[m.File] {
				add(m.Line, "mistake %s: file %q is not one of lesson %s's files", m.ID, m.File, l.ID)
			}
			if m.Replace == "" || m.Replace == m.With {
				add(m.Line, "mistake %s: replace must be non-empty and differ from with", m.ID)
			}
			if m.Lesson.EN == "" || m.Lesson.FR == "" {
				add(m.Line, "mistake %s: lesson needs both en and fr", m.ID)
			}
			if m.CaughtBy == "" {
				add(m.Line, "mistake %s: caught_by must name the spec that catches it", m.ID)
			}
		}
	}
	return errs
}

// decodeStrict decodes n into v, refusing keys v has no field for, and
// records the line of every Lesson, Exercise and Mistake.
func decodeStrict(n *yaml.Node, v any) error {
	rv := reflect.ValueOf(v).Elem()
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch rv.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%d: expected a mapping for %s", n.Line, rv.Type().Name())
		}
		fields := map[string]reflect.Value{}
		for i := 0; i < rv.NumField(); i++ {
			tag := rv.Type().Field(i).Tag.Get("yaml")
			if tag != "" && tag != "-" {
				fields[tag] = rv.Field(i)
			}
			if rv.Type().Field(i).Name == "Line" {
				rv.Field(i).SetInt(int64(n.Line))
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			field, ok := fields[key.Value]
			if !ok {
				known := make([]string, 0, len(fields))
				for k := range fields {
					known = append(known, k)
				}
				slices.Sort(known)
				return fmt.Errorf("%d: unknown field %q (known: %s)", key.Line, key.Value, strings.Join(known, ", "))
			}
			if err := decodeStrict(value, field.Addr().Interface()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("%d: expected a list", n.Line)
		}
		rv.Set(reflect.MakeSlice(rv.Type(), len(n.Content), len(n.Content)))
		for i, item := range n.Content {
			elem := rv.Index(i)
			if elem.Kind() == reflect.Pointer {
				elem.Set(reflect.New(elem.Type().Elem()))
				if err := decodeStrict(item, elem.Interface()); err != nil {
					return err
				}
				continue
			}
			if err := decodeStrict(item, elem.Addr().Interface()); err != nil {
				return err
			}
		}
		return nil
	default:
		if err := n.Decode(v); err != nil {
			return fmt.Errorf("%d: %w", n.Line, lineError(err))
		}
		return nil
	}
}

// lineError strips yaml's own "yaml: line N:" prefix into our format.
func lineError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return errors.New(msg)
}

// PristineDir holds the untouched stubs: the self-test grades them, and
// reset copies them back over the learner's.
func (l *Lesson) PristineDir() string { return filepath.Join("lessons", l.Dir, "stub") }
