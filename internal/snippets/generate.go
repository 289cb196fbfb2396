package snippets

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// knownImports are the packages a fragment may use without importing
// them: the wrapper adds the import. A whole program imports for itself;
// the table fills in only what a fix needs (bytes.Clone, say).
var knownImports = map[string]string{
	"bufio": "bufio", "bytes": "bytes", "clock": "autoroute/fakes/clock", "context": "context",
	"debug": "runtime/debug", "errors": "errors", "fmt": "fmt", "http": "net/http",
	"io": "io", "iotest": "testing/iotest", "net": "net", "os": "os", "rand": "math/rand/v2",
	"reflect": "reflect", "runtime": "runtime", "signal": "os/signal", "slices": "slices",
	"strconv": "strconv", "strings": "strings", "sync": "sync", "atomic": "sync/atomic", "time": "time",
}

// lineDirective makes the compiler report the lines that follow as lines
// of the Markdown text.
func lineDirective(file string, line int) string {
	return fmt.Sprintf("//line %s:%d\n", file, line)
}

// Source returns the Go file the block compiles as, its package name, and
// whether it is a program. file is the name the compiler gives the
// Markdown text in its messages. fixed applies the block's fixes.
func (b *Block) Source(file string, fixed bool) (src string, pkg string, err error) {
	code := b.Code
	if fixed {
		for _, f := range b.Fixes {
			if n := strings.Count(code, f.Old); n != 1 {
				return "", "", fmt.Errorf("the fix's %q appears %d times in the block, not once", f.Old, n)
			}
			code = strings.Replace(code, f.Old, f.New, 1)
		}
	}
	if !b.Fragment {
		return program(file, b.CodeLine, code)
	}
	var body string
	if b.Wrapper != "" {
		before, after, _ := strings.Cut(b.Wrapper, placeholder)
		wrapperLines := strings.Count(before, "\n")
		body = lineDirective(file, b.WrapperLine) + before + "\n" +
			lineDirective(file, b.CodeLine) + code +
			lineDirective(file, b.WrapperLine+wrapperLines+1) + strings.TrimPrefix(after, "\n") + "\n"
	} else {
		fset := token.NewFileSet()
		if _, err := parser.ParseFile(fset, "", "package main\n"+code, parser.SkipObjectResolution); err == nil {
			body = lineDirective(file, b.CodeLine) + code // declarations
		} else if _, err2 := parser.ParseFile(fset, "", "package main\nfunc main() {\n"+code+"}\n", parser.SkipObjectResolution); err2 == nil {
			body = "func main() {\n" + lineDirective(file, b.CodeLine) + code + "}\n" // statements
		} else {
			return "", "", fmt.Errorf("a fragment must be Go declarations or statements (with a {{block}} wrapper otherwise): %v", err2)
		}
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+body, 0)
	if err != nil {
		return "", "", fmt.Errorf("the wrapped fragment does not parse: %v", err)
	}
	if !hasMain(f) {
		body += "\nfunc main() {}\n"
	}
	return "package main\n\n" + importDecl(missingImports(f)) + body, "main", nil
}

// program returns a whole file as written, with the imports it misses
// (a fix may need one) added after its package clause.
func program(file string, codeLine int, code string) (string, string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", code, 0)
	if err != nil {
		return "", "", fmt.Errorf("is not a Go file (mark it fragment, signature or skip if it is not meant to be one): %v", err)
	}
	lines := strings.SplitAfter(code, "\n")
	pkgLine := 0
	for i, l := range lines { // the line of the package clause
		if strings.HasPrefix(strings.TrimSpace(l), "package ") {
			pkgLine = i
			break
		}
	}
	var b strings.Builder
	b.WriteString(lineDirective(file, codeLine))
	for _, l := range lines[:pkgLine+1] {
		b.WriteString(l)
	}
	if missing := missingImports(f); len(missing) > 0 {
		b.WriteString(importDecl(missing))
		b.WriteString(lineDirective(file, codeLine+pkgLine+1))
	}
	for _, l := range lines[pkgLine+1:] {
		b.WriteString(l)
	}
	return b.String(), f.Name.Name, nil
}

func hasMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// missingImports lists the known packages the file uses as pkg.Name
// without importing or declaring pkg.
func missingImports(f *ast.File) []string {
	imported := map[string]bool{}
	for _, imp := range f.Imports {
		path := strings.Trim(imp.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if path == "math/rand/v2" {
			name = "rand"
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		imported[name] = true
	}
	unresolved := map[*ast.Ident]bool{}
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	var missing []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] && !imported[id.Name] {
				if path, ok := knownImports[id.Name]; ok && !slices.Contains(missing, path) {
					missing = append(missing, path)
				}
			}
		}
		return true
	})
	slices.Sort(missing)
	return missing
}

func importDecl(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")\n")
	return b.String()
}
