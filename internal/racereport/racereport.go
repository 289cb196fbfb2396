// Package racereport rewrites the race detector's report in words a learner
// can act on: the two accesses that raced (a read or a write, in which of
// their functions, at which line), the goroutine each ran on and where it
// was started, the lesson section to read, and what would put one access
// before the other. Positions are relative to the repository, never
// absolute; harness, test framework and runtime frames are left out.
//
// It depends on the standard library only: the command-line tool uses it.
package racereport

import (
	"bufio"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"autoroute/internal/hangreport"
)

// Frame is one call of an access's or a creation's stack.
type Frame struct {
	Func string
	File string
	Line int
}

// Access is one side of a race.
type Access struct {
	Kind      string // "read", "write", "atomic read"...
	Previous  bool   // the earlier access of the two
	Goroutine int    // 0 for the main goroutine
	Frames    []Frame
}

// Race is one "WARNING: DATA RACE" block.
type Race struct {
	Current, Previous Access
	Creations         []Creation // where the goroutines involved were started
}

// Creation is where a goroutine was started.
type Creation struct {
	Goroutine int
	Frames    []Frame // the go statement first
}

var (
	accessLine = regexp.MustCompile(`^(Previous )?((?:[Aa]tomic )?(?:[Rr]ead|[Ww]rite)) at 0x[0-9a-f]+ by (?:goroutine (\d+)|(main goroutine)):$`)
	createLine = regexp.MustCompile(`^Goroutine (\d+) \([a-z]+\) created at:$`)
	funcLine   = regexp.MustCompile(`^\s+(\S.*)\(\)$`)
	posLine    = regexp.MustCompile(`^\s+(\S.*):(\d+)(?: \+0x[0-9a-f]+)?$`)
)

// Parse reads every race of a text (a test process's output, or part of
// it). Lines outside race reports are skipped.
func Parse(text string) []Race {
	var races []Race
	var r *Race
	var frames *[]Frame
	fn := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.Contains(line, "WARNING: DATA RACE"):
			if r != nil {
				races = append(races, *r)
			}
			r, frames, fn = &Race{}, nil, ""
			continue
		case r == nil:
			continue
		case strings.HasPrefix(trimmed, "=================="):
			races = append(races, *r)
			r, frames = nil, nil
			continue
		}
		if m := accessLine.FindStringSubmatch(trimmed); m != nil {
			a := &r.Current
			if m[1] != "" {
				a = &r.Previous
				a.Previous = true
			}
			a.Kind = strings.ToLower(m[2])
			a.Goroutine, _ = strconv.Atoi(m[3])
			frames, fn = &a.Frames, ""
			continue
		}
		if m := createLine.FindStringSubmatch(trimmed); m != nil {
			id, _ := strconv.Atoi(m[1])
			r.Creations = append(r.Creations, Creation{Goroutine: id})
			frames, fn = &r.Creations[len(r.Creations)-1].Frames, ""
			continue
		}
		if frames == nil {
			continue
		}
		if m := posLine.FindStringSubmatch(line); m != nil && fn != "" {
			n, _ := strconv.Atoi(m[2])
			*frames = append(*frames, Frame{Func: fn, File: m[1], Line: n})
			fn = ""
			continue
		}
		if m := funcLine.FindStringSubmatch(line); m != nil {
			fn = m[1]
		}
	}
	if r != nil {
		races = append(races, *r)
	}
	return races
}

// Options say what is the learner's code and where to send them to read.
type Options struct {
	Package string // import path prefix of the learner's code: "autoroute/solutions/"
	Root    string // the repository root: positions are shown relative to it
	Readme  string // the lesson text, relative to the root: "lessons/01-runtime/README.md"
	Section string // the exercise's section of it (its id)
	// Source reads a file the report names, as the code that ran saw it
	// (the runner swaps files in with overlays); nil means os.ReadFile.
	// It is read only when an access has no frame of the learner's (it
	// happened inside a sync primitive).
	Source func(path string) ([]byte, error)
}

// Rewrite explains the races of raw (the race detector's report, with any
// lines around it) in words. It returns "" when raw holds no race it can
// read.
func Rewrite(raw string, opts Options) string {
	races := Parse(raw)
	var b strings.Builder
	seen := map[string]bool{}
	var more []string
	for _, r := range races {
		cur, prev := opts.side(r, r.Current), opts.side(r, r.Previous)
		if cur.where == "" || prev.where == "" {
			continue
		}
		key := cur.where + "|" + prev.where
		if seen[key] || seen[prev.where+"|"+cur.where] {
			continue
		}
		seen[key] = true
		if b.Len() > 0 {
			more = append(more, fmt.Sprintf("%s and %s", cur.where, prev.where))
			continue
		}
		b.WriteString("A data race: two goroutines used the same memory at the same time, and at least one of them wrote to it.\n")
		fmt.Fprintf(&b, "  - %s\n", cur.sentence(false))
		fmt.Fprintf(&b, "  - %s\n", prev.sentence(true))
		switch {
		case cur.early != nil && prev.specOnly():
			b.WriteString(earlyFix(*cur.early))
		case prev.early != nil && cur.specOnly():
			b.WriteString(earlyFix(*prev.early))
		default:
			b.WriteString(fix(r, cur, prev))
		}
	}
	if b.Len() == 0 {
		return ""
	}
	if len(more) > 0 {
		fmt.Fprintf(&b, "\nThe race detector saw %d more pair(s) of racing lines: %s.", len(more), strings.Join(more, "; "))
	}
	if opts.Readme != "" && opts.Section != "" {
		fmt.Fprintf(&b, "\n(Read %s, section %q.)", opts.Readme, opts.Section)
	}
	return b.String()
}

// fix is the sentence on what would order the two accesses.
func fix(r Race, cur, prev side) string {
	if cur.via != nil || prev.via != nil {
		waits := (cur.via != nil && cur.via.waits) || (prev.via != nil && prev.via.waits)
		adds := (cur.via != nil && cur.via.adds) || (prev.via != nil && prev.via.adds)
		if waits && adds {
			return "A WaitGroup's Add raced its Wait: nothing made the Add happen before the Wait, so the Wait may " +
				"return without counting it. Call Add before anything can start the Wait: before the go statement, " +
				"not inside the goroutine; before letting go of the lock under which the waiter decides to wait, not after."
		}
		return "The two accesses are inside a sync primitive (a WaitGroup's Add and Wait, most often): nothing orders " +
			"the calls of yours named above. Make one happen before the other: Add before the go statement and before " +
			"anything can Wait, or both calls under the same mutex."
	}
	atomicCur := strings.HasPrefix(r.Current.Kind, "atomic")
	atomicPrev := strings.HasPrefix(r.Previous.Kind, "atomic")
	if atomicCur != atomicPrev {
		return "One side uses sync/atomic and the other a plain access: atomics order only atomics. Make both " +
			"accesses atomic, or guard both with the same mutex."
	}
	return "Nothing makes one of these happen before the other. Guard both with the same mutex, or hand the " +
		"value from one goroutine to the other over a channel (or, for a lone counter, use sync/atomic on both sides)."
}

type side struct {
	kind     string
	previous bool
	fn       string
	where    string
	started  string
	via      *through // the access is inside a sync primitive the learner's code called
	spec     string   // then, the spec's line that called it
	own      bool     // the access is in the spec's own code
	early    *starter // the access is on a goroutine a function of the learner's started
}

// spec reports whether the access is the spec's own, with no line of the
// learner's.
func (s side) specOnly() bool { return s.own && s.via == nil }

func (s side) sentence(previous bool) string {
	if s.via != nil {
		return s.insideSentence(previous)
	}
	kind := s.kind
	article := "a"
	if previous {
		kind = "earlier " + kind
		article = "an"
	} else if strings.HasPrefix(kind, "atomic") {
		article = "an"
	}
	return fmt.Sprintf("%s %s in %s at %s, %s", article, kind, s.fn, s.where, s.started)
}

// insideSentence describes an access the detector saw inside a sync
// primitive, at the learner's lines that call it.
func (s side) insideSentence(previous bool) string {
	kind := s.kind
	if previous {
		kind = "earlier " + kind
	}
	article := "a"
	if strings.IndexAny(kind[:1], "aeiou") == 0 {
		article = "an"
	}
	if len(s.via.calls) == 0 {
		return fmt.Sprintf("%s %s inside a sync primitive that %s (declared at %s) uses: the race detector shows no line "+
			"of it, only the spec's call at %s; %s", article, kind, s.via.fn, s.via.decl, s.spec, s.started)
	}
	return fmt.Sprintf("%s %s inside %s, in %s (the spec called it at %s), %s", article, kind,
		strings.Join(s.via.calls, ", or "), s.via.fn, s.spec, s.started)
}

// side describes one access: its top frame in the learner's code (or,
// failing that, the first frame outside the runtime, the harness and the
// test framework), and who started its goroutine.
func (opts Options) side(r Race, a Access) side {
	s := side{kind: a.Kind, previous: a.Previous}
	if f, ok := opts.pick(a.Frames); ok {
		s.fn = hangreport.Short(f.Func)
		if strings.Contains(f.Func, "_test.") {
			s.fn = "the spec's own code"
			s.own = true
		}
		s.where = fmt.Sprintf("%s:%d", hangreport.Relative(opts.Root, f.File), f.Line)
	}
	// An access made through the race detector's API (runtime.racewrite
	// on top: a sync primitive's Add or Wait) with no frame of the
	// learner's: its lines are looked for in the source.
	if f, ok := opts.pick(a.Frames); ok && !opts.learner(f.Func) && len(a.Frames) > 0 &&
		strings.HasPrefix(a.Frames[0].Func, "runtime.race") {
		if t, ok := opts.through(f, a.Kind); ok {
			s.via = &t
			s.spec = fmt.Sprintf("%s:%d", hangreport.Relative(opts.Root, f.File), f.Line)
			s.fn = t.fn
			s.where = t.decl
			if len(t.calls) > 0 {
				_, s.where, _ = strings.Cut(t.calls[0], " at ")
			}
		}
	}
	if g, ok := opts.goroutineOf(a); ok {
		s.early = &g
	}
	s.started = "on the test's main goroutine."
	for _, c := range r.Creations {
		if c.Goroutine != a.Goroutine || a.Goroutine == 0 {
			continue
		}
		s.started = "on a goroutine the spec started."
		// The go statement, or the call that ran it for the code (a
		// WaitGroup's Go).
		frames := c.Frames
		for len(frames) > 1 && framework(frames[0].Func) && !opts.learner(frames[0].Func) {
			frames = frames[1:]
		}
		if len(frames) > 0 && opts.learner(frames[0].Func) {
			s.started = fmt.Sprintf("on the goroutine started by %s at %s:%d.", hangreport.Short(frames[0].Func),
				hangreport.Relative(opts.Root, frames[0].File), frames[0].Line)
		}
	}
	if s.early != nil && !strings.HasPrefix(s.started, "on the goroutine started by") {
		// The detector's record of the go statement lost the learner's
		// frame (a WaitGroup's Go): the goroutine runs a function
		// literal of the learner's, so the learner's code started it.
		s.started = fmt.Sprintf("on a goroutine %s started.", s.early.fn)
	}
	return s
}

func (opts Options) learner(fn string) bool {
	return opts.Package != "" && strings.HasPrefix(fn, opts.Package)
}

func (opts Options) pick(frames []Frame) (Frame, bool) {
	for _, f := range frames {
		if opts.learner(f.Func) {
			return f, true
		}
	}
	for _, f := range frames {
		if !framework(f.Func) {
			return f, true
		}
	}
	return Frame{}, false
}

// framework reports whether fn belongs to what runs the learner's code
// rather than to the code under test or the spec.
func framework(fn string) bool {
	for _, p := range []string{"runtime.", "sync.", "sync/", "internal/", "testing.", "github.com/onsi/", "autoroute/internal/"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}
