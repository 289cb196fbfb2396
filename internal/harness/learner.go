package harness

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"autoroute/internal/course"
	"autoroute/internal/wire"
)

// What a plain `go test ./specs/<lesson>/` prints.
//
// Ginkgo's own report lists every spec as it runs, in a shuffled order,
// with its colours: 250 lines on the untouched stubs, and the first
// failure on screen is rarely the first exercise. A learner needs the
// opposite: the first unfinished exercise first, the rest in a line each.
// So, unless Ginkgo is asked for by name (any -ginkgo.* flag, which is
// also how the ginkgo command and the grader's runner speak to a suite),
// the suite runs with Ginkgo's reporter silenced, and the results are
// reported as Go subtests, one per exercise and one per spec:
//
//	go test ./specs/runtime/                      every exercise, the first unfinished one explained
//	go test ./specs/runtime/ -run /lanes          one exercise, explained (only its specs run)
//	go test ./specs/runtime/ -run /lanes/starts   one spec's result
//	go test -v ./specs/runtime/                   every spec of every exercise
//
// Editors' test explorers and tools reading `go test -json` see the same
// subtests.

// learnerRun is a run of a suite for a person, reported as subtests.
type learnerRun struct {
	lesson    string
	readme    string
	course    *course.Lesson // nil if the manifest could not be read: exercises then come from the labels
	root      string         // the module root
	selected  map[string]bool
	specRun   string // -run's third element, if any: the specs it selects are the ones counted
	verbose   bool
	report    *types.Report
	stdout    io.Writer
	exercises []string // the exercise ids, in the lesson's order
	races     *raceLog // the race detector's reports, in a re-executed suite built with -race (racelog.go)
}

// ginkgoAskedFor reports whether the suite should print Ginkgo's own
// report: the grader's runner (markers), the ginkgo command, or a person
// who passed any -ginkgo.* flag.
func ginkgoAskedFor() bool {
	if graded() {
		return true
	}
	asked := false
	flag.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "ginkgo.") {
			asked = true
		}
	})
	return asked
}

// colourAllowed follows https://no-color.org and the terminal: colour
// only when standard output is a terminal and NO_COLOR is unset or empty.
func colourAllowed() bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := os.Stdout.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// prepareRun adjusts the suite's configuration before RunSpecs, and
// returns what to call once RunSpecs has returned (nil in Ginkgo's own
// mode).
func prepareRun(t *testing.T, lesson, readme string, suite *types.SuiteConfig, reporter *types.ReporterConfig) func() {
	if !colourAllowed() {
		reporter.NoColor = true
	}
	if ginkgoAskedFor() {
		return nil
	}
	run := &learnerRun{lesson: lesson, readme: readme, verbose: testVerbose(), stdout: formatter.ColorableStdOut}
	run.root = moduleRoot()
	if c, err := course.Load(courseRoot(run.root)); err == nil {
		if l, err := c.Lesson(lesson); err == nil {
			run.course = l
			for _, e := range l.Exercises {
				run.exercises = append(run.exercises, e.ID)
			}
		}
	}
	// A fixed order, so that two runs of the same code tell the same
	// story; the self-test shuffles (through the runner, with seeds).
	suite.RandomSeed = 1
	run.selectExercises(t, suite)

	ginkgo.ReportAfterSuite("autoroute: the lesson's report", func(r ginkgo.Report) { run.report = &r })
	if run.races = openRaceLog(); run.races != nil {
		run.races.watch(readme)
	}
	formatter.ColorableStdOut = io.Discard
	return func() {
		formatter.ColorableStdOut = run.stdout
		if run.races != nil {
			run.races.close()
		}
		run.reportAsSubtests(t)
	}
}

func testVerbose() bool {
	f := flag.Lookup("test.v")
	return f != nil && f.Value.String() != "false"
}

// moduleRoot is the folder holding go.mod, from the suite's folder (go test
// runs a suite in its own folder).
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// courseRoot is the folder of the course the suite belongs to: the one
// above its specs/ folder (go test runs a suite in its own folder), if it
// has a manifest, else the module's root.
func courseRoot(module string) string {
	if dir, err := os.Getwd(); err == nil && filepath.Base(filepath.Dir(dir)) == "specs" {
		root := filepath.Dir(filepath.Dir(dir))
		if _, err := os.Stat(filepath.Join(root, course.ManifestPath)); err == nil {
			return root
		}
	}
	return module
}

// selectExercises reads go test's -run and -skip as the testing package
// will apply them to the subtests (TestRuntime/<exercise>/<spec>), and
// limits Ginkgo to the exercises they select, so that `-run /lanes` runs
// the lanes specs only.
func (run *learnerRun) selectExercises(t *testing.T, suite *types.SuiteConfig) {
	if len(run.exercises) == 0 {
		return
	}
	runElems := splitPattern(flagValue("test.run"))
	skipElems := splitPattern(flagValue("test.skip"))
	if len(runElems) >= 3 {
		run.specRun = runElems[2]
	}
	var chosen []string
	for _, id := range run.exercises {
		if len(runElems) >= 2 && !matches(runElems[1], id) {
			continue
		}
		// -skip drops an exercise only when its pattern stops at the
		// exercise (-skip /lanes); a deeper one skips single specs.
		if len(skipElems) == 2 && matches(skipElems[0], t.Name()) && matches(skipElems[1], id) {
			continue
		}
		chosen = append(chosen, id)
	}
	if len(chosen) == len(run.exercises) {
		return
	}
	run.selected = map[string]bool{}
	for _, id := range chosen {
		run.selected[id] = true
	}
	filter := "autoroute-no-exercise-selected"
	if len(chosen) > 0 {
		filter = strings.Join(chosen, " || ")
	}
	if suite.LabelFilter != "" {
		filter = "(" + suite.LabelFilter + ") && (" + filter + ")"
	}
	suite.LabelFilter = filter
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// splitPattern splits a -run pattern into its slash-separated elements,
// as the testing package does (a slash inside brackets or parentheses
// does not split).
func splitPattern(pattern string) []string {
	if pattern == "" {
		return nil
	}
	var elems []string
	depth, cs := 0, 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case '(':
			if depth == 0 {
				cs++
			}
		case ')':
			if depth == 0 && cs > 0 {
				cs--
			}
		case '\\':
			i++
		case '/':
			if depth == 0 && cs == 0 {
				elems = append(elems, pattern[:i])
				pattern = pattern[i+1:]
				i = -1
			}
		}
	}
	return append(elems, pattern)
}

// subtestName is name as the testing package rewrites a subtest's name
// before matching it against -run: blanks become underscores.
func subtestName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, name)
}

func matches(pattern, name string) bool {
	ok, err := regexp.MatchString(pattern, name)
	return err == nil && ok
}

// specResult is one spec, as a learner reads it.
type specResult struct {
	name     string // the spec's text below its exercise's Describe
	passed   bool
	stub     bool
	message  string
	location string // file:line, relative to the suite's folder
	output   string // what the spec wrote to GinkgoWriter
	state    string
}

// reportAsSubtests turns the suite's report into one subtest per exercise
// and one per spec, in the lesson's order, with a summary first that
// names the first unfinished exercise.
func (run *learnerRun) reportAsSubtests(t *testing.T) {
	if run.report == nil {
		return // Ginkgo stopped before the end; it has said why on standard error
	}
	byExercise := map[string][]specResult{}
	var order []string
	for _, r := range run.report.SpecReports {
		if r.LeafNodeType != types.NodeTypeIt || r.State == types.SpecStateSkipped || r.State == types.SpecStatePending {
			continue
		}
		id := "(no exercise label)"
		if labels := r.Labels(); len(labels) > 0 {
			id = labels[0]
		}
		if _, ok := byExercise[id]; !ok {
			order = append(order, id)
		}
		byExercise[id] = append(byExercise[id], run.specOf(r))
	}
	exercises := run.exercises
	if len(exercises) == 0 {
		exercises = order
	}
	known := map[string]bool{}
	for _, id := range exercises {
		known[id] = true
	}
	for _, id := range order {
		if !known[id] {
			exercises = append(exercises, id)
		}
	}

	total, passed := 0, 0
	first := ""
	for _, id := range exercises {
		if run.selected != nil && !run.selected[id] {
			continue
		}
		for _, s := range byExercise[id] {
			if run.specRun != "" && !matches(run.specRun, subtestName(s.name)) {
				continue
			}
			total++
			if s.passed {
				passed++
			} else if first == "" {
				first = id
			}
		}
	}
	out := t.Output()
	switch {
	case total == 0:
		fmt.Fprintf(out, "No spec of lesson %s was selected.\n", run.lesson)
	case first == "":
		fmt.Fprintf(out, "Lesson %s: all %d specs pass.\n", run.lesson, total)
	default:
		fmt.Fprintf(out, "Lesson %s: %d of %d specs pass. Next: exercise %s%s.\n", run.lesson, passed, total, first, run.where(first))
	}
	for _, reason := range run.report.SpecialSuiteFailureReasons {
		fmt.Fprintf(out, "The suite failed outside its specs: %s\n", reason)
	}
	if run.races != nil && run.races.outside != "" {
		fmt.Fprintf(out, "Before any spec ran:\n%s\n", run.explainRace(run.races.outside, "", false))
	}

	for _, id := range exercises {
		specs := byExercise[id]
		if len(specs) == 0 {
			continue
		}
		detailed := run.verbose || id == first || run.selected != nil
		t.Run(id, func(t *testing.T) {
			if !detailed {
				ok := 0
				stubs := 0
				for _, s := range specs {
					if s.passed {
						ok++
					} else if s.stub {
						stubs++
					}
				}
				if ok == len(specs) {
					for _, s := range specs {
						t.Run(s.name, func(t *testing.T) {})
					}
					return
				}
				note := ""
				if stubs == len(specs)-ok {
					note = ", still a stub"
				}
				fmt.Fprintf(t.Output(), "%d of %d specs pass%s. Why: go test ./%s/ -run /%s\n",
					ok, len(specs), note, filepath.ToSlash(filepath.Join("specs", run.lesson)), id)
				t.Fail()
				return
			}
			// On a stub, every spec fails the same way: one says it, the
			// others are counted, unless asked for (-v, or -run /exercise).
			stubShown, moreStubs := false, 0
			for _, s := range specs {
				if s.stub && stubShown && !run.verbose && run.selected == nil {
					moreStubs++
					continue
				}
				t.Run(s.name, func(t *testing.T) {
					if s.passed {
						return
					}
					out := t.Output()
					fmt.Fprintf(out, "%s: %s\n", s.location, s.message)
					if s.output != "" {
						fmt.Fprintf(out, "The spec wrote:\n%s\n", strings.TrimRight(s.output, "\n"))
					}
					t.Fail()
				})
				stubShown = stubShown || s.stub
			}
			if moreStubs > 0 {
				fmt.Fprintf(t.Output(), "%d more specs of %s fail on the same stub (go test -v lists them).\n", moreStubs, id)
				t.Fail()
			}
		})
	}
}

// where says which file to edit and which section to read for exercise id.
func (run *learnerRun) where(id string) string {
	if run.course == nil {
		return ""
	}
	e, err := run.course.Exercise(id)
	if err != nil {
		return ""
	}
	return fmt.Sprintf(": edit %s, read %s (section %q)",
		filepath.ToSlash(filepath.Join(run.course.StubDir(), e.File)), run.readme, id)
}

func (run *learnerRun) specOf(r types.SpecReport) specResult {
	texts := append([]string{}, r.ContainerHierarchyTexts...)
	if len(texts) > 0 {
		texts = texts[1:] // the exercise's Describe: the subtest above says it
	}
	s := specResult{
		name:   strings.Join(append(texts, r.LeafNodeText), " "),
		passed: r.State == types.SpecStatePassed,
		state:  r.State.String(),
		output: r.CapturedGinkgoWriterOutput,
	}
	if !s.passed {
		s.message = Explain(r) // teach.go: where the code was stuck, the section to read
		if s.message == "" {
			s.message = "The spec ended as " + s.state + "."
		}
		if r.State == types.SpecStateTimedout || r.State == types.SpecStateInterrupted {
			s.message = "Timed out: " + s.message
		}
	}
	run.raceOf(r, &s) // racelog.go: a data race while it ran, in words
	if s.passed {
		return s
	}
	loc := r.Failure.Location
	if loc.FileName == "" {
		loc = r.LeafNodeLocation
	}
	s.location = fmt.Sprintf("%s:%d", filepath.Base(loc.FileName), loc.LineNumber)
	for _, e := range r.ReportEntries {
		if e.Name == reasonEntry && e.StringRepresentation() == wire.ReasonStub {
			s.stub = true
		}
	}
	return s
}
