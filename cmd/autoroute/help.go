package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// invocation is how the README tells people to run the tool.
const invocation = "go tool autoroute"

// synopses are each command's arguments, for its help (-h, or help CMD).
var synopses = map[string]string{
	"map":      "map",
	"list":     "list [lesson...]",
	"check":    "check [lesson...] [--solution=learner|reference|stub] [-v] [--repeat N]",
	"hint":     "hint <lesson>/<exercise> [--all]",
	"watch":    "watch [lesson] [--quiet 300ms]",
	"solution": "solution <lesson> [--force]",
	"reset":    "reset <lesson>[/<exercise>] [--yes]",
	"grade":    "grade [lesson...] [--format F] [-o FILE] [--report F=FILE]... [--min-score N] [--solution=learner|reference] [--timeout D]",
	"generate": "generate",
	"mutate":   "mutate [lesson...] [flags]",
}

// exitStatuses documents the exit statuses, for the usage and the help.
const exitStatuses = `Exit status:
  0  done: every spec checked passes (grade: grading ran)
  1  some spec fails, or the command declined: solution before the lesson
     passes, reset not confirmed, grade under --min-score
  2  the command line is wrong (unknown command, lesson, exercise or flag)
  3  the tool itself could not run (not inside the course, a build tool missing)`

// summaries are the commands table's one-line summaries, by name (a copy:
// the table refers to the commands, which refer to their help).
var summaries = map[string]string{}

func init() {
	for _, c := range commands {
		summaries[c.name] = c.summary
	}
}

func summaryOf(name string) string { return summaries[name] }

// commandUsage is the help of command name: synopsis, summary, flags.
func commandUsage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		name := fs.Name()
		synopsis := synopses[name]
		if synopsis == "" {
			synopsis = name + " [arguments]"
		}
		fmt.Fprintf(w, "Usage: %s %s\n\n%s\n", invocation, synopsis, sentence(summaryOf(name)))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(w, "\nFlags (-flag and --flag are the same):")
			fs.PrintDefaults()
		}
	}
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// runHelp is `help [command]`.
func runHelp(w io.Writer, args []string) int {
	if len(args) == 0 {
		printUsage(w)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintf(w, "autoroute: help takes one command\n")
		return exitUsage
	}
	name := args[0]
	if summaryOf(name) == "" {
		fmt.Fprintf(w, "autoroute: unknown command %q\n\n", name)
		printUsage(w)
		return exitUsage
	}
	// Each command declares its flags when it runs: ask it for its help.
	a := &app{out: w}
	for _, c := range commands {
		if c.name == name {
			_ = c.run(context.Background(), a, []string{"-h"})
		}
	}
	return exitOK
}
