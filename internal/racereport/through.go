package racereport

// A race inside a sync primitive (a WaitGroup's Add racing its Wait) is
// reported without the frames of the learner's code: the detector's stack
// for it stops at the spec's call into that code. The learner's lines are
// then found in the source: the learner's function the spec called on that
// line, and its calls of the WaitGroup methods the detector watches.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"autoroute/internal/hangreport"
)

// through is what the source says of an access the detector saw only at
// the spec's call into the learner's code.
type through struct {
	fn    string   // the learner's function the spec called: "executor.(*Executor).Shutdown"
	decl  string   // where it is declared: "solutions/executor/shutdown.go:30"
	calls []string // its calls of a WaitGroup's methods: "e.senders.Wait() at solutions/executor/shutdown.go:41"
	waits bool     // one of them is Wait
	adds  bool     // one of them is Add or Go
}

// read returns a file's content as the code that ran saw it.
func (opts Options) read(path string) ([]byte, error) {
	if opts.Source != nil {
		return opts.Source(path)
	}
	return os.ReadFile(path)
}

// through finds the learner's function that the spec's code at f calls,
// and in it the calls a race of kind ("read", "write") may have been
// inside.
func (opts Options) through(f Frame, kind string) (through, bool) {
	if opts.Package == "" || !strings.HasSuffix(f.File, "_test.go") {
		return through{}, false
	}
	src, err := opts.read(f.File)
	if err != nil {
		return through{}, false
	}
	fset := token.NewFileSet()
	spec, err := parser.ParseFile(fset, f.File, src, 0)
	if err != nil {
		return through{}, false
	}
	// The functions called on the spec's line, in the order written.
	var names []string
	ast.Inspect(spec, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if fset.Position(call.Lparen).Line != f.Line && fset.Position(call.Rparen).Line != f.Line {
			return true
		}
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			names = append(names, fn.Sel.Name)
		case *ast.Ident:
			names = append(names, fn.Name)
		}
		return true
	})
	if len(names) == 0 {
		return through{}, false
	}
	module, modRoot := modulePath(opts.Root)
	for _, imp := range spec.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if !strings.HasPrefix(path+"/", opts.Package) || module == "" || !strings.HasPrefix(path, module+"/") {
			continue
		}
		dir := filepath.Join(modRoot, filepath.FromSlash(strings.TrimPrefix(path, module+"/")))
		for _, name := range names {
			if t, ok := opts.findFunc(dir, name, kind); ok {
				return t, true
			}
		}
	}
	return through{}, false
}

// findFunc looks for the function or method name in the package in dir.
func (opts Options) findFunc(dir, name, kind string) (through, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return through{}, false
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		src, err := opts.read(path)
		if err != nil {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name || fd.Body == nil {
				continue
			}
			at := func(p token.Pos) string {
				root, err := filepath.Abs(opts.Root)
				if err != nil {
					root = opts.Root
				}
				return fmt.Sprintf("%s:%d", hangreport.Relative(root, path), fset.Position(p).Line)
			}
			t := through{fn: file.Name.Name + "." + receiver(fd) + name, decl: at(fd.Pos())}
			var waits, adds []string
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				text := string(bytes.TrimSpace(src[fset.Position(call.Pos()).Offset:fset.Position(call.End()).Offset]))
				switch {
				case sel.Sel.Name == "Wait" && len(call.Args) == 0:
					waits = append(waits, text+" at "+at(call.Pos()))
				case (sel.Sel.Name == "Add" || sel.Sel.Name == "Go") && len(call.Args) == 1:
					adds = append(adds, text+" at "+at(call.Pos()))
				}
				return true
			})
			t.waits, t.adds = len(waits) > 0, len(adds) > 0
			// The detector sees a WaitGroup's Wait as a write and its
			// first Add as a read.
			switch {
			case kind == "write" && len(waits) > 0:
				t.calls, t.adds = waits, false
			case kind == "read" && len(adds) > 0:
				t.calls, t.waits = adds, false
			default:
				t.calls = append(waits, adds...)
			}
			if len(t.calls) > 3 {
				t.calls = t.calls[:3]
			}
			return t, true
		}
	}
	return through{}, false
}

// receiver is a method's receiver as a stack shows it: "(*Executor)." ("" for
// a function).
func receiver(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	typ := fd.Recv.List[0].Type
	star := ""
	if s, ok := typ.(*ast.StarExpr); ok {
		star, typ = "*", s.X
	}
	switch t := typ.(type) {
	case *ast.IndexExpr:
		typ = t.X
	case *ast.IndexListExpr:
		typ = t.X
	}
	id, ok := typ.(*ast.Ident)
	if !ok {
		return ""
	}
	if star != "" {
		return "(*" + id.Name + ")."
	}
	return id.Name + "."
}

// modulePath reads the module's path from the go.mod at or above root, and
// returns it with the folder go.mod is in.
func modulePath(root string) (string, string) {
	dir, err := filepath.Abs(root)
	if err != nil {
		return "", ""
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					return strings.Trim(strings.TrimSpace(rest), `"`), dir
				}
			}
			return "", ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ""
		}
		dir = parent
	}
}
