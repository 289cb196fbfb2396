// Package hangreport turns a dump of every goroutine (runtime.Stack with
// all set, or pprof's goroutine profile at debug=2) into a few sentences a
// learner can act on: which of their goroutines are stuck, on what
// operation, at which line of their own code, and who started them. The
// harness and the test framework's frames are left out.
//
// It depends on the standard library only.
package hangreport

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Frame is one call in a goroutine's stack.
type Frame struct {
	Func string // the function, as the runtime names it: "autoroute/solutions/choose.Race[...].func1"
	File string // the file as compiled, absolute
	Line int
}

// Goroutine is one goroutine of a dump.
type Goroutine struct {
	ID      int
	Wait    string  // the wait reason: "chan receive", "sync.WaitGroup.Wait"...
	Frames  []Frame // innermost first
	Creator Frame   // the go statement that started it (Func is the function that ran it)
	// CreatorGoroutine is the goroutine that ran the go statement (0 if the
	// dump does not say).
	CreatorGoroutine int
}

var header = regexp.MustCompile(`^goroutine (\d+)(?: [a-z]+=\S+)* \[([^\]]*)\]:$`)
var createdBy = regexp.MustCompile(`^created by (.+?)(?: in goroutine (\d+))?$`)
var position = regexp.MustCompile(`^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$`)

// Parse reads a goroutine dump. Lines it does not understand are skipped.
func Parse(dump string) []Goroutine {
	var all []Goroutine
	var g *Goroutine
	var pending string // a function line waiting for its position
	creating := false
	sc := bufio.NewScanner(strings.NewReader(dump))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := header.FindStringSubmatch(line); m != nil {
			if g != nil {
				all = append(all, *g)
			}
			id, _ := strconv.Atoi(m[1])
			wait, _, _ := strings.Cut(m[2], ",") // drop ", 2 minutes", ", locked to thread"
			g = &Goroutine{ID: id, Wait: strings.TrimSpace(wait)}
			pending, creating = "", false
			continue
		}
		if g == nil {
			continue
		}
		if m := position.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			f := Frame{Func: pending, File: m[1], Line: n}
			if creating {
				g.Creator = f
			} else if pending != "" {
				g.Frames = append(g.Frames, f)
			}
			pending, creating = "", false
			continue
		}
		if m := createdBy.FindStringSubmatch(line); m != nil {
			pending, creating = m[1], true
			g.CreatorGoroutine, _ = strconv.Atoi(m[2])
			continue
		}
		if line == "" || strings.HasPrefix(line, "...") {
			continue
		}
		pending, creating = funcName(line), false
	}
	if g != nil {
		all = append(all, *g)
	}
	return all
}

// funcName drops the arguments of a frame's function line:
// "pkg.(*T).M(0xc000, ...)" becomes "pkg.(*T).M".
func funcName(line string) string {
	line = strings.TrimSpace(line)
	if i := strings.LastIndex(line, "("); i > 0 && strings.HasSuffix(line, ")") {
		// A method on a pointer receiver has parentheses of its own:
		// keep them, cut only the argument list at the end.
		return line[:i]
	}
	return line
}

// Options say what is the learner's code and how to show it.
type Options struct {
	// Package is the import path prefix of the learner's code, such as
	// "autoroute/solutions/". Frames of functions under it are the
	// learner's.
	Package string
	// Root is the repository root: positions are shown relative to it. A
	// position outside it is shown from its last "solutions/" on.
	Root string
	// Skip lists goroutines to leave out (those alive before the spec).
	Skip map[int]bool
	// Source returns the text of a line of a file, or "" (nil reads the
	// file from disk).
	Source func(file string, line int) string
}

// Stuck is a group of learner goroutines stuck on the same operation at the
// same line, started from the same place.
type Stuck struct {
	Count     int
	Wait      string // the wait reason
	Operation string // the operation in words: "receiving from a channel"
	Func      string // the learner's function at the top, short: "choose.Race"
	Where     string // its file:line, relative to the root
	Code      string // the source line, when it could be read and fits the operation
	Inside    string // the library function it is blocked in, if it is not the learner's: "memnet.(*Conn).Read"
	StartedBy string // "choose.Race at solutions/choose/race.go:30", or "the spec"
}

// Find returns the learner goroutines of gs that are blocked (not running),
// grouped, the learner's calls from the spec first.
func Find(gs []Goroutine, opts Options) []Stuck {
	groups := map[string]*Stuck{}
	var order []string
	for _, g := range gs {
		busy := g.Wait == "running" || g.Wait == "runnable"
		if opts.Skip[g.ID] || busy && !opts.learnerTop(g) {
			continue
		}
		top := -1
		for i, f := range g.Frames {
			if opts.learner(f.Func) {
				top = i
				break
			}
		}
		if top < 0 {
			continue
		}
		f := g.Frames[top]
		s := Stuck{
			Count:     1,
			Wait:      g.Wait,
			Operation: operation(g.Wait),
			Func:      short(f.Func),
			Where:     fmt.Sprintf("%s:%d", opts.rel(f.File), f.Line),
			StartedBy: opts.starter(g),
		}
		if top > 0 {
			s.Inside = short(g.Frames[top-1].Func)
			for i := top - 1; i >= 0; i-- { // the outermost library call is the one the learner made
				if !strings.HasPrefix(g.Frames[i].Func, "runtime.") && !strings.HasPrefix(g.Frames[i].Func, "internal/") {
					s.Inside = short(g.Frames[i].Func)
					if strings.Contains(g.Frames[i].Func, "_test.") {
						s.Inside = "a function the spec gave it"
					}
					break
				}
			}
		}
		s.Code = opts.code(f, s)
		key := s.Wait + "|" + s.Where + "|" + s.StartedBy
		if old, ok := groups[key]; ok {
			old.Count++
			continue
		}
		groups[key] = &s
		order = append(order, key)
	}
	out := make([]Stuck, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].StartedBy == "the spec" && out[j].StartedBy != "the spec"
	})
	return out
}

// Describe lists, one sentence per line, where the learner's goroutines of
// dump are stuck; "" when none is.
func Describe(dump string, opts Options) string {
	stuck := Find(Parse(dump), opts)
	if len(stuck) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Where your code is stuck:\n")
	for _, s := range stuck {
		b.WriteString("  - ")
		b.WriteString(s.Sentence())
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// Sentence says what a group of stuck goroutines is doing, in words.
func (s Stuck) Sentence() string {
	var b strings.Builder
	switch {
	case s.StartedBy == "the spec":
		fmt.Fprintf(&b, "%s, called by the spec, is blocked %s", s.Func, s.Operation)
	case s.Count == 1:
		fmt.Fprintf(&b, "a goroutine started by %s is blocked %s", s.StartedBy, s.Operation)
	default:
		fmt.Fprintf(&b, "%d goroutines started by %s are blocked %s", s.Count, s.StartedBy, s.Operation)
	}
	if s.Code != "" {
		fmt.Fprintf(&b, " (`%s`)", s.Code)
	} else if s.Inside != "" {
		fmt.Fprintf(&b, " inside %s", s.Inside)
	}
	fmt.Fprintf(&b, " at %s", s.Where)
	if s.StartedBy != "the spec" {
		fmt.Fprintf(&b, ", in %s", s.Func)
	}
	b.WriteString(".")
	return b.String()
}

// operation names what a wait reason means for the learner.
func operation(wait string) string {
	wait = strings.TrimSuffix(wait, " (durable)")
	switch wait {
	case "chan receive":
		return "receiving from a channel nobody sends on (or closes)"
	case "chan send":
		return "sending on a channel nobody receives from"
	case "chan receive (nil chan)":
		return "receiving from a nil channel, which blocks forever"
	case "chan send (nil chan)":
		return "sending on a nil channel, which blocks forever"
	case "select":
		return "in a select none of whose cases can go on"
	case "select (no cases)":
		return "in an empty select{}, which blocks forever"
	case "sync.WaitGroup.Wait":
		return "in wg.Wait(), for goroutines that have not called Done"
	case "sync.Mutex.Lock":
		return "locking a mutex that is already held (an Unlock missing, or a Lock taken twice)"
	case "sync.RWMutex.Lock", "sync.RWMutex.RLock":
		return "locking an RWMutex that is already held"
	case "sync.Cond.Wait":
		return "in a sync.Cond wait nobody signals"
	case "semacquire":
		return "waiting on a lock or a semaphore"
	case "sleep":
		return "sleeping on the real clock (time.Sleep), not the clock it was given"
	case "IO wait":
		return "waiting for real network or file input/output"
	case "runnable", "running":
		return "running without end (a loop that never waits or returns?)"
	case "syscall":
		return "in a system call"
	}
	return "waiting (" + wait + ")"
}

// fits reports whether a source line plausibly does the operation: a file
// swapped in by go test -overlay keeps its original name, and then the
// line on disk is not the line that ran.
func fits(code string, s Stuck) bool {
	if code == "" {
		return false
	}
	if s.Inside != "" {
		name := s.Inside
		if i := strings.LastIndex(name, "."); i >= 0 {
			name = name[i+1:]
		}
		return strings.Contains(code, name+"(") || strings.Contains(code, name+"[")
	}
	switch strings.TrimSuffix(s.Wait, " (durable)") {
	case "chan receive", "chan send", "chan receive (nil chan)", "chan send (nil chan)":
		return strings.Contains(code, "<-") || strings.HasPrefix(code, "for ") || strings.HasPrefix(code, "case ")
	case "select", "select (no cases)":
		return strings.HasPrefix(code, "select") || strings.HasPrefix(code, "case ")
	}
	return false
}

func (opts Options) code(f Frame, s Stuck) string {
	read := opts.Source
	if read == nil {
		read = sourceLine
	}
	code := strings.TrimSpace(read(f.File, f.Line))
	if !fits(code, s) {
		return ""
	}
	if len(code) > 80 {
		code = code[:77] + "..."
	}
	return code
}

func sourceLine(file string, line int) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	return lines[line-1]
}

func (opts Options) learner(fn string) bool {
	return opts.Package != "" && strings.HasPrefix(fn, opts.Package)
}

func (opts Options) learnerTop(g Goroutine) bool {
	return len(g.Frames) > 0 && opts.learner(g.Frames[0].Func)
}

// starter says who started g: a learner function, or the spec (the
// harness, the test framework, the spec's own code).
func (opts Options) starter(g Goroutine) string {
	if !opts.learner(g.Creator.Func) {
		return "the spec"
	}
	return fmt.Sprintf("%s at %s:%d", short(g.Creator.Func), opts.rel(g.Creator.File), g.Creator.Line)
}

// rel shows a file relative to the root.
func (opts Options) rel(file string) string {
	return Relative(opts.Root, file)
}

// Relative shows file relative to root, with forward slashes; a file
// outside root is shown from its last "solutions/", "specs/", "fakes/" or
// "internal/" on, and otherwise by its base name: never an absolute path.
func Relative(root, file string) string {
	file = filepath.ToSlash(file)
	if root != "" {
		r := strings.TrimSuffix(filepath.ToSlash(root), "/") + "/"
		if strings.HasPrefix(file, r) {
			return strings.TrimPrefix(file, r)
		}
	}
	best := -1
	for _, dir := range []string{"/solutions/", "/specs/", "/fakes/", "/internal/", "/lessons/"} {
		if i := strings.LastIndex(file, dir); i > best {
			best = i
		}
	}
	if best >= 0 {
		return file[best+1:]
	}
	return filepath.Base(file)
}

// short names a function the way the learner writes it at a call site:
// "autoroute/solutions/choose.Race[...].func1" becomes "choose.Race".
func short(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		fn = fn[i+1:]
	}
	fn = dropTypeArguments(fn)
	for {
		i := strings.LastIndex(fn, ".")
		if i < 0 {
			break
		}
		last := fn[i+1:]
		if strings.HasPrefix(last, "func") || strings.HasPrefix(last, "gowrap") || last == "deferwrap1" {
			fn = fn[:i]
			continue
		}
		if _, err := strconv.Atoi(last); err == nil { // func1.2
			fn = fn[:i]
			continue
		}
		break
	}
	return fn
}

// Short is short for other packages of the kit.
func Short(fn string) string { return short(fn) }

// dropTypeArguments removes what the runtime shows of a generic
// function's type arguments: "[...]", "[go.shape.int]".
func dropTypeArguments(fn string) string {
	for {
		open := strings.LastIndex(fn, "[")
		if open < 0 {
			return fn
		}
		end := strings.Index(fn[open:], "]")
		if end < 0 {
			return fn
		}
		fn = fn[:open] + fn[open+end+1:]
	}
}
