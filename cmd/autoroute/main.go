// Command autoroute is the course's front door: the course map, checks,
// hints and the maintainer's tools. It is thin on purpose: flags and
// printing; the work is done in internal/.
//
// Usage:
//
//	autoroute                          the course map: progress and what to do next
//	autoroute map                      the same
//	autoroute list                     the lessons and their exercises
//	autoroute check [lesson...]        run lessons' specs (-race) and explain failures
//	autoroute hint lesson/exercise     show the next hint of an exercise
//	autoroute watch [lesson]           check again on every save
//	autoroute solution lesson          the reference, once the lesson passes
//	autoroute reset lesson[/exercise]  put the untouched stubs back
//	autoroute grade [lesson...]        score lessons for a teacher or CI, in several formats
//	autoroute template dir             a student template, no answers, graded by a pinned grader (teachers)
//	autoroute generate                 regenerate generated files (maintainers)
//	autoroute mutate [lesson...]       mutation score of the specs (maintainers)
//
// Run it as go tool autoroute (go.mod's tool line; go run ./cmd/autoroute
// works too, but go run turns every failing exit status into 1). The help
// of a command: go tool autoroute help check, or check -h.
//
// Exit status: 0 success (every spec checked passes), 1 some spec fails or
// the command declined (solution before the lesson passes, reset not
// confirmed, grade under --min-score), 2 the command line is wrong, 3 the
// tool itself could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"autoroute/internal/course"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailing  = 1
	exitUsage    = 2
	exitInternal = 3
)

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errFailing means the command ran and found failing specs: exit status 1.
var errFailing = errors.New("some specs fail")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, app *app, args []string) error
}

var commands = []command{
	{"map", "the course map: your progress and the next exercise (the same as no command)", runMap},
	{"list", "the lessons and their exercises", runList},
	{"check", "run lessons' specs with -race and explain the failures", runCheck},
	{"hint", "show the next hint of an exercise: hint <lesson>/<exercise>", runHint},
	{"watch", "check a lesson again each time you save one of its files", runWatch},
	{"solution", "show a lesson's reference solution, once yours passes (--force otherwise)", runSolution},
	{"reset", "put the untouched stubs back, of a lesson or one exercise, after asking (--yes to skip)", runReset},
	{"grade", "score lessons: --format text|json|junit|markdown|classroom, -o FILE, --min-score N", runGrade},
	{"template", "write a student template for a classroom: template <dir> --grader-repo OWNER/NAME --grader-ref SHA (teachers)", runTemplate},
	{"generate", "regenerate the lesson texts' generated blocks and the pristine checksums (maintainers)", runGenerate},
	{"mutate", "run operator mutants of lessons' references against the specs: --race, -j N, --json, --sample N (maintainers)", runMutate},
}

// app is what every command needs.
type app struct {
	root   string
	course *course.Course
	in     io.Reader
	out    io.Writer
	style  style
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		printUsage(stdout)
		return exitOK
	}
	if len(args) > 0 && args[0] == "help" {
		return runHelp(stdout, args[1:])
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "autoroute:", err)
		return exitInternal
	}
	c, err := course.Load(root)
	if err != nil {
		fmt.Fprintln(stderr, "autoroute:", err)
		return exitInternal
	}
	a := &app{root: root, course: c, in: stdin, out: stdout, style: newStyle(stdout)}

	var cmd func(context.Context, *app, []string) error = runMap
	if len(args) > 0 {
		cmd = nil
		for _, c := range commands {
			if c.name == args[0] || (args[0] == "docs" && c.name == "generate") { // docs: the old name
				cmd = c.run
			}
		}
		if cmd == nil {
			fmt.Fprintf(stderr, "autoroute: unknown command %q\n\n", args[0])
			printUsage(stderr)
			return exitUsage
		}
		args = args[1:]
	}
	err = cmd(ctx, a, args)
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailing) || errors.Is(err, errRefused):
		if err != errFailing && err != errRefused {
			fmt.Fprintln(stderr, "autoroute:", err)
		}
		return exitFailing
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "autoroute:", err)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "autoroute:", err)
		return exitInternal
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [command] [arguments]\n", invocation)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With no command, shows the course map: your progress and what to do next.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	var table columns
	for _, c := range commands {
		table.add(c.name, c.summary)
	}
	for _, line := range table.lines("  ", screenWidth()) {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\nThe help of a command: %s help <command>.\n\n%s\n", invocation, exitStatuses)
}

// findRoot walks up from the working directory to the course's go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(data)), "module autoroute\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the Autoroute course: run me from the folder you cloned, or below it")
		}
		dir = parent
	}
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (check runtime --solution=reference), and returns
// the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.Usage = commandUsage(fs)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// lessons resolves lesson ids; none means every lesson.
func (a *app) lessons(ids []string) ([]*course.Lesson, error) {
	if len(ids) == 0 {
		return a.course.Lessons, nil
	}
	var ls []*course.Lesson
	for _, id := range ids {
		l, err := a.course.Lesson(id)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		ls = append(ls, l)
	}
	return ls, nil
}
