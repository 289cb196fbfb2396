package grader

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Formats the grader writes.
var Formats = []string{"text", "json", "junit", "markdown", "classroom"}

// Write renders r in the named format. colour applies to text only.
func (r *Report) Write(w io.Writer, format string, colour bool) error {
	switch format {
	case "text":
		return r.WriteText(w, colour)
	case "json":
		return r.WriteJSON(w)
	case "junit":
		return r.WriteJUnit(w)
	case "markdown":
		return r.WriteMarkdown(w)
	case "classroom":
		return r.WriteClassroom(w)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a terminal.
func (r *Report) WriteText(w io.Writer, colour bool) error {
	paint := func(code, s string) string {
		if !colour {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	var b strings.Builder
	for _, l := range r.Lessons {
		mark := paint("32", "✓")
		if l.Status != LessonPassed {
			mark = paint("31", "✗")
		}
		fmt.Fprintf(&b, "%s %-10s %6.2f / %-4g %s\n", mark, l.ID, l.Score, l.MaxScore, l.Status)
		switch l.Status {
		case LessonBuildError:
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(firstLines(l.BuildError, 10), "\n", "\n    "))
		case LessonNoStart:
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(firstLines(l.StartError, 10), "\n", "\n    "))
		case LessonTampered:
			fmt.Fprintf(&b, "    edited: %s\n", strings.Join(l.Tampered, ", "))
		}
		for _, e := range l.Exercises {
			fmt.Fprintf(&b, "    %-14s %6.2f / %-4g", e.ID, e.Score, e.MaxScore)
			counts := map[string]int{}
			for _, s := range e.Specs {
				counts[s.Status]++
			}
			var parts []string
			for _, status := range []string{"passed", "failed", "timed out", "panicked", "leaked", "race", "crashed", "not run"} {
				if counts[status] > 0 {
					parts = append(parts, fmt.Sprintf("%d %s", counts[status], status))
				}
			}
			fmt.Fprintf(&b, " %s\n", strings.Join(parts, ", "))
		}
	}
	fmt.Fprintf(&b, "\nScore: %.2f / %g (%s solution)\n", r.Score, r.MaxScore, r.Solution)
	if r.Solution != "learner" {
		fmt.Fprintf(&b, "This grades the course's %s solution, not the learner's code.\n", r.Solution)
	}
	if r.RaceUnavailable != "" {
		fmt.Fprintf(&b, "%s\n", r.RaceUnavailable)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes a GitHub step summary.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Autoroute: %.2f / %g\n\n", r.Score, r.MaxScore)
	if r.Solution != "learner" {
		fmt.Fprintf(&b, "> **This grades the course's %s solution, not the learner's code.**\n\n", r.Solution)
	}
	if r.RaceUnavailable != "" {
		fmt.Fprintf(&b, "> %s\n\n", r.RaceUnavailable)
	}
	b.WriteString("| lesson | score | status |\n|---|---:|---|\n")
	for _, l := range r.Lessons {
		fmt.Fprintf(&b, "| %s | %.2f / %g | %s |\n", l.ID, l.Score, l.MaxScore, l.Status)
	}
	for _, l := range r.Lessons {
		fmt.Fprintf(&b, "\n### %s — %s\n\n", l.ID, mdEscape(l.Title))
		if l.BuildError != "" {
			fmt.Fprintf(&b, "The lesson does not compile:\n\n```\n%s\n```\n", firstLines(l.BuildError, 20))
		}
		if l.StartError != "" {
			fmt.Fprintf(&b, "The lesson's tests did not start:\n\n```\n%s\n```\n", firstLines(l.StartError, 20))
		}
		if len(l.Tampered) > 0 {
			fmt.Fprintf(&b, "**Tampered**: these files differ from the published course, so the lesson scores 0: %s\n", strings.Join(l.Tampered, ", "))
		}
		b.WriteString("\n| exercise | score | specs |\n|---|---:|---|\n")
		for _, e := range l.Exercises {
			passed := 0
			for _, s := range e.Specs {
				if s.Status == "passed" {
					passed++
				}
			}
			fmt.Fprintf(&b, "| `%s` | %.2f / %g | %d of %d pass |\n", e.ID, e.Score, e.MaxScore, passed, len(e.Specs))
		}
		var failures []string
		for _, e := range l.Exercises {
			for _, s := range e.Specs {
				if s.Status != "passed" {
					failures = append(failures, fmt.Sprintf("- **%s** %s — *%s*: %s", e.ID, mdEscape(s.Name), s.Status, mdEscape(firstLines(s.Message, 1))))
				}
			}
		}
		if len(failures) > 0 {
			fmt.Fprintf(&b, "\n<details><summary>%d spec(s) not passing</summary>\n\n%s\n\n</details>\n", len(failures), strings.Join(failures, "\n"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// junit types: the subset of the JUnit XML format CI systems read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: a test suite per lesson, a test case per
// spec. A spec that failed is a failure; a build error, a crash, a
// timeout or tampering is an error.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "autoroute"}
	if r.Solution != "learner" {
		out.Name = "autoroute (" + r.Solution + " solution, not the learner's code)"
	}
	for _, l := range r.Lessons {
		suite := junitSuite{Name: l.ID, Time: l.Elapsed.Seconds()}
		if l.BuildError != "" || l.StartError != "" || len(l.Tampered) > 0 {
			msg, text := "the lesson does not compile", l.BuildError
			if l.StartError != "" {
				msg, text = "the lesson's tests did not start", l.StartError
			}
			if len(l.Tampered) > 0 {
				msg, text = "tampered", "edited: "+strings.Join(l.Tampered, ", ")
			}
			suite.Cases = append(suite.Cases, junitCase{Name: l.Status, Classname: l.ID,
				Error: &junitProblem{Type: l.Status, Message: msg, Text: text}})
			suite.Errors++
		}
		for _, e := range l.Exercises {
			for _, s := range e.Specs {
				c := junitCase{Name: s.Name, Classname: l.ID + "." + e.ID}
				problem := &junitProblem{Type: s.Status, Message: firstLines(s.Message, 1), Text: s.Message}
				switch s.Status {
				case "passed":
				case "failed", "leaked", "race", "panicked":
					c.Failure = problem
					suite.Failures++
				default:
					c.Error = problem
					suite.Errors++
				}
				suite.Cases = append(suite.Cases, c)
			}
		}
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteClassroom writes the result for GitHub Classroom: lines a workflow
// step prints as they are. Classroom reads the score from two notice
// annotations on the "Autograding Tests" check run, "Points S/M" and
// {"totalPoints":S,"maxPoints":M}, the ones GitHub's own reporter action
// leaves; a line above them says the same total in words, so the run's log
// shows one score, the one sent. (That action also logs totals of its own,
// counting the tests whose every check passed out of 100 whatever their
// points: they disagreed with the partial score it sent, so the workflow
// prints these lines instead of calling it.)
//
// S and M are the report's score and maximum, rounded to the hundredth as
// the text report rounds them: M is the sum of the graded lessons' points,
// each lesson worth the sum of its exercises' points, as its text's table
// and check say. S is partial: an exercise earns its points in proportion to
// its passing specs.
//
// A lesson that could not be graded (it does not compile, did not start, or
// was tampered with) adds an ::error line: the workflow step fails on it, so
// the check is red, while failing specs alone leave it green (a learner on
// the first lesson would otherwise meet a red cross on every push for weeks;
// a teacher who wants one below some score gives grade --min-score). A grade
// of anything but the learner's code sends no points at all, only an error.
func (r *Report) WriteClassroom(w io.Writer) error {
	var b strings.Builder
	if r.Solution != "learner" {
		fmt.Fprintf(&b, "::error title=Autograding::graded the course's %s solution, not the learner's code: no points sent\n", r.Solution)
		_, err := io.WriteString(w, b.String())
		return err
	}
	score, max := classroomPoints(r.Score), classroomPoints(r.MaxScore)
	var lessons []string
	for _, l := range r.Lessons {
		lessons = append(lessons, fmt.Sprintf("%s %s/%s", l.ID, classroomPoints(l.Score), classroomPoints(l.MaxScore)))
	}
	fmt.Fprintf(&b, "Total points: %s/%s, the score sent to GitHub Classroom (%s)\n", score, max, strings.Join(lessons, ", "))
	fmt.Fprintf(&b, "::notice title=Autograding complete::Points %s/%s\n", score, max)
	fmt.Fprintf(&b, "::notice title=Autograding report::{\"totalPoints\":%s,\"maxPoints\":%s}\n", score, max)
	for _, l := range r.Lessons {
		if l.Status == LessonBuildError || l.Status == LessonNoStart || l.Status == LessonTampered {
			fmt.Fprintf(&b, "::error title=Autograding::%s could not be graded (%s): it scores 0 of %s; the grade step's log says why\n", l.ID, l.Status, classroomPoints(l.MaxScore))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// classroomPoints formats points rounded to the hundredth exactly as the
// text report's %.2f rounds them, without trailing zeros: 57.5, 8.33, 100.
func classroomPoints(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "[...]")
	}
	return strings.Join(lines, "\n")
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
