// Package allowlist is the static check a learner's package passes before
// it is built: of capabilities, not only of imports. Learner code shares
// the test process the grade is read from, so what it must not do is what
// it must not be able to express: write to a descriptor it was not given,
// read the environment, reach memory through unsafe or reflect, change the
// process's flags, start processes, link against the runtime's internals.
// The check parses the package, refuses what the syntax shows (cgo,
// assembly and object files, //go:linkname and other compiler directives,
// build constraints), then type-checks it with go/types and refuses every
// package, function, type and method of another package that is not on the
// allow-list (rules.go).
//
// Each finding names the file, the line and the rule, so `check` tells a
// learner the same thing `grade` would, before any grading.
package allowlist

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Finding is one thing the check refused.
type Finding struct {
	File   string `json:"file"` // a slash path from the module root
	Line   int    `json:"line"`
	Rule   string `json:"rule"`   // a short name: import, call, cgo, directive, file, build-constraint, type-check
	Detail string `json:"detail"` // what was found, in words
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Rule, f.Detail)
}

// Explain renders findings as the message a learner reads.
func Explain(findings []Finding) string {
	var b strings.Builder
	b.WriteString("Your package uses something a solution may not (the grader refuses to build it, see " +
		"\"What a solution may use\" in the README):\n")
	for _, f := range findings {
		b.WriteString("  " + f.String() + "\n")
	}
	b.WriteString("A solution to this course needs none of it: concurrency (sync, context, channels, time), " +
		"text (fmt, strings, bufio...) and the network (net) are all there.")
	return b.String()
}

// Options say what to check.
type Options struct {
	Dir  string   // the package's directory
	Root string   // the module root, for the paths in findings and to run go list
	Env  []string // the environment of go list (nil: the caller's)
	// BuildFlags are passed to go list when it compiles the export data of
	// the package's imports (-race, to share the build that follows).
	BuildFlags []string
	// Replace overlays files of the package (a base name to its content).
	Replace map[string][]byte
}

// Files a package must not carry: assembly, C and its kin, and object files
// the linker would take as they are.
var refusedExtensions = []string{".s", ".S", ".sx", ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx",
	".m", ".f", ".F", ".for", ".f90", ".swig", ".swigcxx", ".syso"}

// Check checks the package in opts.Dir and returns what it refuses; an
// error only when the check itself cannot run.
func Check(ctx context.Context, opts Options) ([]Finding, error) {
	fset, files, findings, rel := load(opts)
	if len(files) == 0 {
		return findings, nil
	}
	more, err := typed(ctx, opts, fset, files, rel)
	if err != nil {
		return nil, err
	}
	findings = append(findings, more...)
	slices.SortStableFunc(findings, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return findings, nil
}

// Syntax is the part of Check that needs no types, and no go command:
// what must be refused before anything of the package is compiled (cgo
// runs a C compiler; assembly and object files go to the toolchain). With
// no finding from Syntax, the package can be built while Check runs; its
// binary must not run before Check has passed too.
func Syntax(opts Options) []Finding {
	_, _, findings, _ := load(opts)
	return findings
}

// load parses the package's files and makes the checks that need no types.
func load(opts Options) (*token.FileSet, []*ast.File, []Finding, func(string) string) {
	rel := func(path string) string {
		if r, err := filepath.Rel(opts.Root, path); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(path)
	}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(opts.Dir)
	if err != nil {
		return fset, nil, nil, rel // no package to check: the build says what is missing
	}
	var findings []Finding
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(opts.Dir, name)
		if e.IsDir() {
			continue // another package: the import check refuses it if the package imports it
		}
		if e.Type()&fs.ModeSymlink != 0 {
			findings = append(findings, Finding{rel(path), 1, "file",
				fmt.Sprintf("%s is a symbolic link: a solution's files are its own, not links to others", name)})
			continue
		}
		if name == "go.mod" || name == "go.work" {
			findings = append(findings, Finding{rel(path), 1, "file",
				fmt.Sprintf("%s makes the package a module of its own: a solution is a package of the course's module", name)})
			continue
		}
		if slices.Contains(refusedExtensions, filepath.Ext(name)) {
			findings = append(findings, Finding{rel(path), 1, "file",
				fmt.Sprintf("%s is not Go: a solution is Go code only (no assembly, C or object files)", name)})
			continue
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue // not built into the suite
		}
		var src any
		if content, ok := opts.Replace[name]; ok {
			src = content
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			// Refused, not left to the compiler: go build would still run
			// cgo on the package's other files before it compiled this one.
			line := 1
			if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
				line = list[0].Pos.Line
			}
			findings = append(findings, Finding{rel(path), line, "syntax", strings.ReplaceAll(err.Error(), opts.Root+string(filepath.Separator), "")})
			continue
		}
		files = append(files, f)
		findings = append(findings, syntactic(fset, f, rel)...)
	}
	findings = append(findings, constantBombs(fset, files, rel)...)
	return fset, files, findings, rel
}

// constantBombs refuses string constants longer than maxConstString. It
// needs no types, so it runs before anything is compiled: the compiler
// computes constants, and `const s1 = s0 + s0` thirty times over asks it
// for gigabytes. The length is bounded from the syntax alone: a literal's
// own, the sum over +, a named constant's (by name, the longest of that
// name), a conversion's operand; a constant of another package counts as
// its name's length of bytes, which no imported constant comes near.
func constantBombs(fset *token.FileSet, files []*ast.File, rel func(string) string) []Finding {
	decls := map[string][]ast.Expr{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			gen, ok := n.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				return true
			}
			var last []ast.Expr
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) > 0 {
					last = vs.Values
				}
				for i, name := range vs.Names {
					if i < len(last) {
						decls[name.Name] = append(decls[name.Name], last[i])
					}
				}
			}
			return true
		})
	}
	memo := map[string]int64{}
	var size func(e ast.Expr, depth int) int64
	size = func(e ast.Expr, depth int) int64 {
		if depth > 1000 {
			return maxConstString + 1 // nested past any honest constant
		}
		switch e := e.(type) {
		case *ast.BasicLit:
			return int64(len(e.Value))
		case *ast.ParenExpr:
			return size(e.X, depth+1)
		case *ast.BinaryExpr:
			return min(size(e.X, depth+1)+size(e.Y, depth+1), 1<<62)
		case *ast.CallExpr:
			if len(e.Args) == 1 {
				return size(e.Args[0], depth+1)
			}
		case *ast.Ident:
			if n, ok := memo[e.Name]; ok {
				return n
			}
			memo[e.Name] = 0 // a cycle is the compiler's to report
			var n int64
			for _, v := range decls[e.Name] {
				n = max(n, size(v, depth+1))
			}
			memo[e.Name] = n
			return n
		}
		return 16
	}
	// An integer constant's value, bounded the same way (ok false when
	// the syntax alone does not say).
	var integer func(e ast.Expr, depth int) (*big.Int, bool)
	integer = func(e ast.Expr, depth int) (*big.Int, bool) {
		if depth > 100 {
			return nil, false
		}
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.INT {
				return nil, false
			}
			n, ok := new(big.Int).SetString(strings.ReplaceAll(e.Value, "_", ""), 0)
			return n, ok
		case *ast.ParenExpr:
			return integer(e.X, depth+1)
		case *ast.CallExpr:
			if len(e.Args) == 1 {
				return integer(e.Args[0], depth+1)
			}
		case *ast.Ident:
			var best *big.Int
			for _, v := range decls[e.Name] {
				if n, ok := integer(v, depth+1); ok && (best == nil || n.Cmp(best) > 0) {
					best = n
				}
			}
			return best, best != nil
		case *ast.BinaryExpr:
			x, ok1 := integer(e.X, depth+1)
			y, ok2 := integer(e.Y, depth+1)
			if !ok1 || !ok2 {
				return nil, false
			}
			switch e.Op {
			case token.ADD:
				return new(big.Int).Add(x, y), true
			case token.MUL:
				return new(big.Int).Mul(x, y), true
			case token.SHL:
				if y.IsInt64() && y.Int64() >= 0 && y.Int64() < 256 {
					return new(big.Int).Lsh(x, uint(y.Int64())), true
				}
			}
		}
		return nil, false
	}
	var out []Finding
	tooLong := func(e ast.Expr, what string) {
		if n, ok := integer(e, 0); ok && n.Cmp(big.NewInt(maxArrayLength)) > 0 {
			p := fset.Position(e.Pos())
			out = append(out, Finding{rel(p.Filename), p.Line, "constant",
				fmt.Sprintf("%s of %s elements: the compiler writes an initialised array whole into the build cache "+
					"and the binary, gigabytes on disk each time (the limit is %d)", what, n, maxArrayLength)})
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ArrayType:
				if n.Len != nil {
					tooLong(n.Len, "an array")
				}
			case *ast.CompositeLit:
				// An array's or a slice's (a struct's keys are field names,
				// a map's literal keys are no data of that size).
				if _, isMap := n.Type.(*ast.MapType); isMap {
					return true
				}
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if _, field := kv.Key.(*ast.Ident); !field {
							tooLong(kv.Key, "a literal with an index")
						}
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			gen, ok := n.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				return true
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, v := range vs.Values {
					if n := size(v, 0); n > maxConstString {
						p := fset.Position(v.Pos())
						out = append(out, Finding{rel(p.Filename), p.Line, "constant",
							fmt.Sprintf("a constant of up to %d bytes: the compiler computes constants, and one this long "+
								"costs it gigabytes of memory (the limit is %d bytes)", n, maxConstString)})
					}
				}
			}
			return true
		})
	}
	return out
}

// syntactic refuses what a file shows without types: imports off the list,
// cgo, compiler directives and build constraints.
func syntactic(fset *token.FileSet, f *ast.File, rel func(string) string) []Finding {
	var out []Finding
	at := func(pos token.Pos) (string, int) {
		p := fset.Position(pos)
		return rel(p.Filename), p.Line
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		file, line := at(imp.Pos())
		switch {
		case path == "C":
			out = append(out, Finding{file, line, "cgo", `import "C" (cgo) runs a C compiler and C code: refused`})
		case !importable(path):
			out = append(out, Finding{file, line, "import", fmt.Sprintf("package %q is not on the list of what a solution may use%s", path, why(path))})
		}
	}
	for _, group := range f.Comments {
		for _, c := range group.List {
			text := c.Text
			file, line := at(c.Pos())
			switch {
			case strings.HasPrefix(text, "//go:build") || strings.HasPrefix(text, "// +build"):
				if c.Pos() < f.Package {
					out = append(out, Finding{file, line, "build-constraint", "a solution file is built everywhere, under the race detector or not: no build constraints"})
				}
			case strings.HasPrefix(text, "//go:linkname"):
				out = append(out, Finding{file, line, "directive", "//go:linkname reaches functions no package exports (the runtime's, the harness's): refused"})
			case strings.HasPrefix(text, "//go:") && !strings.HasPrefix(text, "//go:generate") && !strings.HasPrefix(text, "//go:noinline"):
				out = append(out, Finding{file, line, "directive", fmt.Sprintf("compiler directive %s: refused", strings.Fields(text)[0])})
			case strings.HasPrefix(text, "//line ") || strings.HasPrefix(text, "/*line "):
				out = append(out, Finding{file, line, "directive", "//line rewrites the positions the compiler and the grader report: refused"})
			case strings.HasPrefix(text, "//export "):
				out = append(out, Finding{file, line, "cgo", "//export is cgo: refused"})
			}
		}
	}
	return out
}

// importable reports whether a solution may import path at all (some of
// its members may still be refused).
func importable(path string) bool {
	if _, ok := rules[path]; ok {
		return true
	}
	return strings.HasPrefix(path, kitPrefix) && !strings.Contains(path, "/internal")
}

// why adds a reason to the refusal of well-known packages.
func why(path string) string {
	switch {
	case path == "unsafe":
		return ": unsafe reads and writes any memory, the harness's included"
	case path == "syscall" || strings.HasPrefix(path, "golang.org/x/sys"):
		return ": system calls write to any descriptor, the grader's included"
	case path == "os/exec":
		return ": a solution starts no process"
	case path == "flag":
		return ": flags set from a solution change what the suite runs"
	case path == "runtime/race":
		return ": the race detector's hooks silence it"
	case strings.HasPrefix(path, "github.com/onsi/"):
		return ": Ginkgo and Gomega belong to the specs"
	case strings.HasPrefix(path, "autoroute/"):
		return ": a solution uses the fakes, not the kit's internals or another solution"
	}
	return ""
}

// typed type-checks the package and refuses each use of another package's
// member that is not on the list.
func typed(ctx context.Context, opts Options, fset *token.FileSet, files []*ast.File, rel func(string) string) ([]Finding, error) {
	var imports []string
	for _, f := range files {
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if importable(path) && !slices.Contains(imports, path) { // the others are refused already
				imports = append(imports, path)
			}
		}
	}
	exports, err := exportData(ctx, opts, imports)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The imports do not load (a package that does not exist, say):
		// nothing is built, and go's own words say why.
		p := fset.Position(files[0].Package)
		return []Finding{{rel(p.Filename), p.Line, "import", "the package's imports do not load: " + err.Error()}}, nil
	}
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
			file, ok := exports[path]
			if !ok {
				return nil, fmt.Errorf("no export data for %s", path)
			}
			return os.Open(file)
		}),
		Error: func(error) {}, // the compiler reports type errors better
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
		Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, _ := conf.Check("solution", fset, files, info)
	var findings []Finding
	seen := map[string]bool{}
	refuse := func(pos token.Pos, path, member string) {
		p := fset.Position(pos)
		key := fmt.Sprintf("%s:%d:%s.%s", p.Filename, p.Line, path, member)
		if seen[key] {
			return
		}
		seen[key] = true
		findings = append(findings, Finding{rel(p.Filename), p.Line, "call",
			fmt.Sprintf("%s.%s is not on the list of what a solution may use%s", path, member, memberWhy(path, member))})
	}
	// A package's members, by name: this needs no types, so a member that
	// exists only in some builds (the race detector's hooks) is refused too.
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if name, ok := info.Uses[x].(*types.PkgName); ok && !allowed(name.Imported().Path(), sel.Sel.Name) {
				refuse(sel.Sel.Pos(), name.Imported().Path(), sel.Sel.Name)
			}
			return true
		})
	}
	// A network name must be a constant: tcp or udp.
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var id *ast.Ident
			switch fun := call.Fun.(type) {
			case *ast.SelectorExpr:
				id = fun.Sel
			case *ast.Ident:
				id = fun
			default:
				return true
			}
			obj := info.Uses[id]
			if obj == nil || obj.Pkg() == nil {
				return true
			}
			name := obj.Pkg().Path() + "." + memberName(obj)
			arg, ok := networked[name]
			if !ok || arg >= len(call.Args) {
				return true
			}
			tv := info.Types[call.Args[arg]]
			if tv.Value == nil || tv.Value.Kind() != constant.String || !networks[constant.StringVal(tv.Value)] {
				p := fset.Position(call.Args[arg].Pos())
				findings = append(findings, Finding{rel(p.Filename), p.Line, "network",
					fmt.Sprintf("the network of %s must be a constant, \"tcp\" or \"udp\": a Unix socket is a file, and a solution writes none", name)})
			}
			return true
		})
	}
	for id, obj := range info.Uses {
		if obj == nil || obj.Pkg() == nil {
			continue
		}
		if fn, ok := obj.(*types.Func); ok && dynamicDeny[fn.Name()] && dynamic(fn, pkg) {
			p := fset.Position(id.Pos())
			findings = append(findings, Finding{rel(p.Filename), p.Line, "call",
				fmt.Sprintf("a method named %s, called through an interface of your own: it reaches what the list refuses "+
					"(a descriptor, memory, or methods and fields nobody handed your code)", fn.Name())})
			continue
		}
		if v, ok := obj.(*types.Var); ok && v.IsField() && deniedFields[v.Pkg().Path()+"."+v.Name()] {
			p := fset.Position(id.Pos())
			findings = append(findings, Finding{rel(p.Filename), p.Line, "call",
				fmt.Sprintf("%s's field %s is not on the list of what a solution may use: a function there is handed "+
					"the connection's descriptor", v.Pkg().Path(), v.Name())})
			continue
		}
		if obj.Pkg() == pkg {
			continue
		}
		if _, isPkg := obj.(*types.PkgName); isPkg {
			continue
		}
		path := obj.Pkg().Path()
		member := memberName(obj)
		if member == "" || allowed(path, member) {
			continue
		}
		refuse(id.Pos(), path, member)
	}
	for _, f := range files {
		findings = append(findings, writesToOtherPackages(fset, f, info, pkg, rel)...)
	}
	slices.SortFunc(findings, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return findings, nil
}

// dynamic reports whether fn is a method of an interface the rules do not
// name: the solution's own, an unnamed one, a type parameter's constraint.
func dynamic(fn *types.Func, pkg *types.Package) bool {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return false
	}
	recv := sig.Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	switch t := recv.(type) {
	case *types.Interface, *types.TypeParam:
		return true
	case *types.Named:
		_, isInterface := t.Underlying().(*types.Interface)
		return isInterface && (fn.Pkg() == pkg || t.Obj().Pkg() == pkg)
	}
	return false
}

// writesToOtherPackages refuses every write to another package's variable:
// assigning it, taking its address, incrementing it, or writing through
// it (a field, an element, what it points to). `context.Canceled = err`
// in an init function makes every spec that expects a cancelled context's
// error accept err; a solution reads the standard library's variables and
// never changes them.
func writesToOtherPackages(fset *token.FileSet, f *ast.File, info *types.Info, pkg *types.Package, rel func(string) string) []Finding {
	var out []Finding
	check := func(e ast.Expr, how string) {
		v := rootVar(e, info)
		if v == nil || v.Pkg() == nil || v.Pkg() == pkg || v.Parent() != v.Pkg().Scope() {
			return
		}
		p := fset.Position(e.Pos())
		out = append(out, Finding{rel(p.Filename), p.Line, "write",
			fmt.Sprintf("%s %s.%s, a variable of another package: a solution reads the standard library's variables "+
				"and never changes them (the specs and the harness share them)", how, v.Pkg().Path(), v.Name())})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				check(lhs, "assigns")
			}
		case *ast.IncDecStmt:
			check(n.X, "changes")
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				if n.Key != nil {
					check(n.Key, "assigns")
				}
				if n.Value != nil {
					check(n.Value, "assigns")
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				check(n.X, "takes the address of")
			}
		case *ast.SelectorExpr:
			// A method with a pointer receiver called on a variable that
			// is not a pointer takes its address.
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					_, ptrRecv := sig.Recv().Type().(*types.Pointer)
					_, ptrX := info.Types[n.X].Type.(*types.Pointer)
					if ptrRecv && !ptrX && !types.IsInterface(info.Types[n.X].Type) {
						check(n.X, "calls a pointer method on")
					}
				}
			}
		}
		return true
	})
	return out
}

// rootVar is the variable an addressable expression is a part of: x in
// x.f, x[i], *x, (x).
func rootVar(e ast.Expr, info *types.Info) *types.Var {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			if info.Selections[x] != nil { // a field of x.X
				e = x.X
				continue
			}
			v, _ := info.Uses[x.Sel].(*types.Var) // pkg.Var
			return v
		case *ast.Ident:
			v, _ := info.Uses[x].(*types.Var)
			return v
		default:
			return nil
		}
	}
}

// memberName names obj as the rules do: "Name" for a package's member,
// "Type.Method" for a method, "" for what the rules do not name (struct
// fields, which come with a type already allowed).
func memberName(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Func:
		sig, _ := o.Type().(*types.Signature)
		if sig == nil || sig.Recv() == nil {
			return o.Name()
		}
		recv := sig.Recv().Type()
		if p, ok := recv.(*types.Pointer); ok {
			recv = p.Elem()
		}
		if n, ok := recv.(*types.Named); ok {
			return n.Obj().Name() + "." + o.Name()
		}
		if _, ok := recv.(*types.Interface); ok {
			return "" // a method of an unnamed interface: the value's type was checked where it came from
		}
		return "?." + o.Name()
	case *types.Var:
		if o.IsField() {
			return ""
		}
		return o.Name()
	default:
		return obj.Name()
	}
}

func allowed(path, member string) bool {
	r, ok := rules[path]
	if !ok {
		return strings.HasPrefix(path, kitPrefix) && !strings.Contains(path, "/internal")
	}
	if r.deny[member] {
		return false
	}
	if _, method, ok := strings.Cut(member, "."); ok && r.denyMethods[method] {
		return false
	}
	if r.all {
		return true
	}
	return r.members[member]
}

func memberWhy(path, member string) string {
	switch {
	case path == "reflect" && (strings.Contains(member, "Unsafe") || member == "NewAt" || member == "Value.Pointer"):
		return ": it reaches memory as unsafe does"
	case path == "reflect" && (strings.Contains(member, "Call") || strings.Contains(member, "Method")):
		return ": it calls methods nobody handed your code"
	case path == "runtime/debug" && member == "WriteHeapDump":
		return ": it writes raw memory to any descriptor"
	case path == "runtime" && strings.HasPrefix(member, "Race"):
		return ": the race detector's hooks silence it"
	case path == "os":
		return ": a solution opens no file and reads no environment"
	case path == "net" && (strings.Contains(member, "File") || strings.Contains(member, "Syscall")):
		return ": it turns a connection into a descriptor"
	}
	return ""
}

// exportData compiles (or finds in the build cache) the export data of the
// imports and of everything they depend on, with go list.
func exportData(ctx context.Context, opts Options, imports []string) (map[string]string, error) {
	if len(imports) == 0 {
		return map[string]string{}, nil
	}
	args := append([]string{"list", "-mod=readonly", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, opts.BuildFlags...)
	args = append(args, "--")
	args = append(args, imports...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.Root
	cmd.Env = opts.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export: %w\n%s", err, stderr.String())
	}
	exports := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		path, file, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if ok && file != "" {
			exports[path] = file
		}
	}
	return exports, nil
}
