package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"autoroute/internal/racereport"
)

// racePrefix starts the message parse gives a spec the race detector
// fired in; the race detector's own report follows it.
const racePrefix = "The race detector found a data race while this spec ran:\n"

// teach makes the failures a test process's output shows, beyond what the
// harness reported, name what to read: a race spec's message is the race
// in words (explainRaces), and a crash names its exercise's section, with
// paths from the repository's root.
func teach(opts Options, p *process) {
	explainRaces(opts, p.specs)
	if p.crashed != "" {
		p.crashMessage = relativise(opts.Root, p.crashMessage)
		if see := section(opts, p.crashed); see != "" && !strings.Contains(p.crashMessage, see) {
			p.crashMessage = strings.TrimRight(p.crashMessage, "\n") + "\n" + see
		}
	}
}

// section is the lesson text's section for a spec, in the words
// harness.See uses; "" if the spec's exercise is unknown.
func section(opts Options, fullText string) string {
	exercise := exerciseOf(opts, fullText)
	if exercise == "" {
		return ""
	}
	return fmt.Sprintf("(Read %s, section %q.)", filepath.ToSlash(opts.Lesson.Readme("en")), exercise)
}

// explainRaces rewrites the message of each race spec in words (package
// racereport): the two lines that raced, in the learner's code, and the
// section to read. The race detector's own report, with paths from the
// repository's root, moves to Detail (check -v shows it).
func explainRaces(opts Options, specs []Spec) {
	for i := range specs {
		s := &specs[i]
		if s.Status != Race || !strings.HasPrefix(s.Message, racePrefix) {
			continue
		}
		raw := strings.TrimPrefix(s.Message, racePrefix)
		exercise := s.Exercise
		if exercise == "" {
			exercise = exerciseOf(opts, s.FullText)
		}
		readme := ""
		if opts.Lesson != nil {
			readme = opts.Lesson.Readme("en")
		}
		words := racereport.Rewrite(raw, racereport.Options{
			Package: "autoroute/solutions/",
			Root:    opts.Root,
			Readme:  readme,
			Section: exercise,
			Source:  source(opts),
		})
		if words == "" {
			continue
		}
		s.Message = words
		s.Detail = "The race detector's own report:\n" + relativise(opts.Root, raw)
	}
}

// source reads a file as the suite that ran saw it: the learner's files are
// the chosen solution's, with opts.Replace on top.
func source(opts Options) func(string) ([]byte, error) {
	if opts.Lesson == nil {
		return nil
	}
	stubDir, err := filepath.Abs(filepath.Join(opts.Root, opts.Lesson.StubDir()))
	if err != nil {
		return nil
	}
	return func(path string) ([]byte, error) {
		if abs, err := filepath.Abs(path); err == nil && filepath.Dir(abs) == stubDir {
			name := filepath.Base(abs)
			if content, ok := opts.Replace[name]; ok {
				return content, nil
			}
			switch opts.Solution {
			case Reference:
				return os.ReadFile(filepath.Join(opts.Root, opts.Lesson.ReferenceDir(), name))
			case Stub:
				return os.ReadFile(filepath.Join(opts.Root, opts.Lesson.PristineDir(), name))
			}
		}
		return os.ReadFile(path)
	}
}

// exerciseOf finds the exercise of a spec from its full text, which starts
// with its exercise's Describe text: the exercise id.
func exerciseOf(opts Options, fullText string) string {
	if opts.Lesson == nil {
		return ""
	}
	best := ""
	for _, e := range opts.Lesson.Exercises {
		if strings.HasPrefix(fullText, e.ID+" ") && len(e.ID) > len(best) {
			best = e.ID
		}
	}
	return best
}
