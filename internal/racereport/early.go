package racereport

// A race between the spec's own code and one line of the learner's, run
// by a goroutine the learner's function started: the spec reads (or
// writes) what that goroutine still writes (or reads) because the function
// returned, or let the spec go on, before the goroutine it started had
// finished. The second line to name is that function, at its declaration
// in the source that ran.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"autoroute/internal/hangreport"
)

// starter is the learner's function whose goroutine made an access.
type starter struct {
	fn   string // "choose.Race"
	decl string // "solutions/choose/race.go:25"
	line string // the access's own line, short: "race.go:41"
}

// goroutineOf finds, for an access made on a goroutine whose body is a
// function literal of the learner's (a go statement's, or a WaitGroup's
// Go), the learner's function that literal is in, and its declaration.
func (opts Options) goroutineOf(a Access) (starter, bool) {
	outer := -1
	for i, f := range a.Frames {
		if opts.learner(f.Func) {
			outer = i
		}
	}
	if outer < 0 {
		return starter{}, false
	}
	f := a.Frames[outer]
	if !closure(f.Func) {
		return starter{}, false // the learner's function itself, not a goroutine it started
	}
	for _, below := range a.Frames[outer+1:] {
		if !framework(below.Func) {
			return starter{}, false // a function literal of the learner's that the spec called
		}
	}
	fn := hangreport.Short(f.Func)
	decl, ok := opts.declaration(f.File, fn)
	if !ok {
		return starter{}, false
	}
	first := a.Frames[0]
	for _, g := range a.Frames {
		if opts.learner(g.Func) {
			first = g
			break
		}
	}
	return starter{fn: fn, decl: decl, line: fmt.Sprintf("%s:%d", filepath.Base(first.File), first.Line)}, true
}

// closure reports whether a runtime function name is a function literal's
// (or the wrapper of a go statement's call): "pkg.Race[...].func1",
// "pkg.(*Server).Serve.gowrap1".
func closure(fn string) bool {
	fn = fn[strings.LastIndex(fn, "/")+1:]
	for _, part := range strings.Split(fn, ".")[1:] {
		if strings.HasPrefix(part, "func") || strings.HasPrefix(part, "gowrap") {
			return true
		}
	}
	return false
}

// declaration finds where fn ("choose.Race", "server.(*Server).Serve") is
// declared: in file first, then in the other files of its folder.
func (opts Options) declaration(file, fn string) (string, bool) {
	files := []string{file}
	if entries, err := os.ReadDir(filepath.Dir(file)); err == nil {
		for _, e := range entries {
			name := e.Name()
			if p := filepath.Join(filepath.Dir(file), name); strings.HasSuffix(name, ".go") &&
				!strings.HasSuffix(name, "_test.go") && p != file {
				files = append(files, p)
			}
		}
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		root = opts.Root
	}
	for _, path := range files {
		src, err := opts.read(path)
		if err != nil {
			continue
		}
		fset := token.NewFileSet()
		parsed, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range parsed.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if ok && parsed.Name.Name+"."+receiver(fd)+fd.Name.Name == fn {
				return fmt.Sprintf("%s:%d", hangreport.Relative(root, path), fset.Position(fd.Pos()).Line), true
			}
		}
	}
	return "", false
}

// earlyFix is the sentence for a race of the spec's with a goroutine the
// learner's function started and did not wait for.
func earlyFix(s starter) string {
	return fmt.Sprintf("%s, declared at %s, started the goroutine that runs %s, and returned (or let the spec go on) "+
		"while that goroutine still ran: the spec then used what it was still using. A function must wait for what it "+
		"started before it returns (a sync.WaitGroup's Wait, or a receive of each goroutine's result), or hand it over "+
		"to its caller with a way to wait for it.", s.fn, s.decl, s.line)
}
