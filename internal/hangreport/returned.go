package hangreport

// When the spec waits in vain and no goroutine of the learner's is stuck,
// the learner's code is not blocked anywhere: it returned without doing
// what the spec waited for (a cancel, a close, a send it never made). The
// report then points at the learner's functions the spec called, which
// returned, at the lines where they are declared in the code that ran: the
// running binary's own symbol table says where each was compiled from, so
// a file swapped in by go test -overlay is read as it ran.

import (
	"debug/elf"
	"debug/gosym"
	"debug/macho"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Call is a call the spec made into the learner's code, and that returned.
type Call struct {
	What  string // as the spec wrote it: "task.Spawn(ctx, f)"
	Func  string // the learner's function it ran, short: "task.Spawn", "task.(*Handle).Join"
	Where string // where that function is declared, relative to the root: "solutions/task/handle.go:40"
}

// Returned says that the learner's code returned without making fact
// happen, naming the calls of calls (the most recent first) and where
// their functions are; "" when calls is empty.
func Returned(fact string, calls []Call) string {
	if len(calls) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "None of your code is blocked: it returned without doing what the spec waited for (%s).\n", fact)
	b.WriteString("Where your code returned:\n")
	for _, c := range calls {
		fmt.Fprintf(&b, "  - the spec's call %s returned: %s, at %s.\n", c.What, c.Func, c.Where)
	}
	which := "That function"
	if len(calls) > 1 {
		which = "One of these functions"
	}
	fmt.Fprintf(&b, "%s, or a goroutine it started, had to make it happen before it returned or before its goroutine "+
		"ended: a cancel, a close, a send or a call back that no path of it reaches (look at every return, and at "+
		"what its goroutines do last).", which)
	return b.String()
}

// Symbols are the learner's functions of a program, with where each is
// declared.
type Symbols struct {
	funcs []symbol
}

type symbol struct {
	pkg  string // the package's name: "task"
	recv string // the receiver's type, without type arguments: "Handle" ("" for a function)
	ptr  bool   // the receiver is a pointer
	name string // "Join"
	file string
	line int
}

// NewSymbols builds Symbols from functions as the runtime names them
// ("autoroute/solutions/task.(*Handle[...]).Join") with their files and
// the line of their declaration. Functions outside pkg (an import path
// prefix such as "autoroute/solutions/"), closures and generated wrappers
// are left out.
func NewSymbols(pkg string, funcs map[string]string) *Symbols {
	s := &Symbols{}
	names := make([]string, 0, len(funcs))
	for fn := range funcs {
		names = append(names, fn)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, fn := range names {
		file, line, ok := cutLine(funcs[fn])
		if !ok {
			continue
		}
		sym, ok := parseSymbol(pkg, fn)
		if !ok || !strings.HasSuffix(file, ".go") {
			continue
		}
		sym.file, sym.line = file, line
		key := fmt.Sprintf("%s|%s|%v|%s|%s:%d", sym.pkg, sym.recv, sym.ptr, sym.name, file, line)
		if seen[key] { // one per declaration, not per instantiation
			continue
		}
		seen[key] = true
		s.funcs = append(s.funcs, sym)
	}
	return s
}

func cutLine(pos string) (string, int, bool) {
	i := strings.LastIndex(pos, ":")
	if i < 0 {
		return "", 0, false
	}
	n := 0
	for _, r := range pos[i+1:] {
		if r < '0' || r > '9' {
			return "", 0, false
		}
		n = n*10 + int(r-'0')
	}
	return pos[:i], n, n > 0
}

// parseSymbol splits a runtime function name of the learner's package.
func parseSymbol(pkg, fn string) (symbol, bool) {
	if pkg == "" || !strings.HasPrefix(fn, pkg) {
		return symbol{}, false
	}
	fn = dropTypeArguments(fn)
	slash := strings.LastIndex(fn, "/")
	rest := fn[slash+1:]
	dot := strings.Index(rest, ".")
	if dot < 0 {
		return symbol{}, false
	}
	s := symbol{pkg: rest[:dot]}
	rest = rest[dot+1:]
	if strings.HasPrefix(rest, "(*") {
		end := strings.Index(rest, ").")
		if end < 0 {
			return symbol{}, false
		}
		s.recv, s.ptr, rest = rest[2:end], true, rest[end+2:]
	} else if i := strings.Index(rest, "."); i >= 0 {
		s.recv, rest = rest[:i], rest[i+1:]
	}
	if rest == "" || strings.Contains(rest, ".") || strings.HasPrefix(rest, "func") || strings.HasPrefix(rest, "init") ||
		strings.HasSuffix(rest, "-fm") || strings.Contains(rest, "gowrap") || strings.Contains(rest, "deferwrap") {
		return symbol{}, false
	}
	s.name = rest
	return s, true
}

// callee finds, in the way a spec writes a call ("task.Spawn(ctx, f)",
// "h.Join(ctx)", "the accept loop: pool.Admit(...)"), what it calls: the
// qualifier before the dot and the name after it.
var callee = regexp.MustCompile(`\b([A-Za-z_]\w*)\.([A-Z]\w*)\b`)

// Find returns the learner's function a call written as what runs, and
// where it is declared (file as compiled, line).
func (s *Symbols) Find(what string) (fn, file string, line int, ok bool) {
	if s == nil {
		return "", "", 0, false
	}
	for _, m := range callee.FindAllStringSubmatch(what, -1) {
		qual, name := m[1], m[2]
		var found *symbol
		for i := range s.funcs {
			f := &s.funcs[i]
			if f.name != name {
				continue
			}
			// A package's function when the qualifier is the package's
			// name; a method otherwise.
			if (f.recv == "") != (qual == f.pkg) {
				continue
			}
			if found == nil {
				found = f
			}
		}
		if found == nil {
			continue
		}
		fn = found.pkg + "." + found.name
		switch {
		case found.recv != "" && found.ptr:
			fn = found.pkg + ".(*" + found.recv + ")." + found.name
		case found.recv != "":
			fn = found.pkg + "." + found.recv + "." + found.name
		}
		return fn, found.file, found.line, true
	}
	return "", "", 0, false
}

// ReadSymbols reads the learner's functions (those under pkg) from the
// symbol table of the program at exe (an ELF or Mach-O executable).
func ReadSymbols(exe, pkg string) (*Symbols, error) {
	data, text, err := pclntab(exe)
	if err != nil {
		return nil, err
	}
	table, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		return nil, err
	}
	funcs := map[string]string{}
	for _, f := range table.Funcs {
		if !strings.HasPrefix(f.Name, pkg) {
			continue
		}
		file, line, _ := table.PCToLine(f.Entry)
		if file != "" && line > 0 {
			funcs[f.Name] = fmt.Sprintf("%s:%d", file, line)
		}
	}
	return NewSymbols(pkg, funcs), nil
}

// pclntab returns the program's line table and the address of its code.
func pclntab(exe string) ([]byte, uint64, error) {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		tab, text := f.Section(".gopclntab"), f.Section(".text")
		if tab == nil || text == nil {
			return nil, 0, errors.New("no Go line table")
		}
		data, err := tab.Data()
		return data, text.Addr, err
	}
	if f, err := macho.Open(exe); err == nil {
		defer f.Close()
		tab, text := f.Section("__gopclntab"), f.Section("__text")
		if tab == nil || text == nil {
			return nil, 0, errors.New("no Go line table")
		}
		data, err := tab.Data()
		return data, text.Addr, err
	}
	return nil, 0, errors.New("not an ELF or Mach-O executable")
}
