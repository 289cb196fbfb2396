package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// otherExercisesSpecFiles lists the spec files a build with TrimSpecs
// leaves out: those whose Describes are all labelled with exercises other
// than opts.Exercises, unless a file that stays needs one of their
// declarations (a helper another exercise's file defines). A file with no
// label at all (the suite's entry point, helpers, fuzz targets) stays, and
// so does a file with a label of one of opts.Exercises.
//
// Compiling a lesson's spec package is most of the cost of building a
// mistake (the spec package imports the mistaken one, so every mistake
// recompiles all of it); a mistake runs one exercise's specs, which live
// in a file or two of the package. A trimmed build that does not compile
// all the same is the caller's to retry whole.
func otherExercisesSpecFiles(opts Options) ([]string, error) {
	dir := filepath.Join(opts.Root, opts.Lesson.SpecDir())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("trimming the %s suite: %w", opts.Lesson.ID, err)
	}
	type specFile struct {
		path string
		uses map[string]bool
	}
	var files []*specFile
	declaredIn := map[string][]*specFile{}
	keep := map[*specFile]bool{}
	var queue []*specFile
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return nil, fmt.Errorf("trimming the %s suite: %w", opts.Lesson.ID, err)
		}
		sf := &specFile{path: path, uses: map[string]bool{}}
		files = append(files, sf)
		for _, name := range topLevelNames(f) {
			declaredIn[name] = append(declaredIn[name], sf)
		}
		// The names the file uses and does not declare: the parser's
		// unresolved identifiers (package-level names of other files,
		// imports, built-ins). A method called on a value is not among
		// them: a build that needs one from a file left out fails, and
		// is retried whole.
		for _, id := range f.Unresolved {
			sf.uses[id.Name] = true
		}
		labels := specLabels(f)
		if len(labels) == 0 || slices.ContainsFunc(labels, func(l string) bool { return slices.Contains(opts.Exercises, l) }) {
			keep[sf] = true
			queue = append(queue, sf)
		}
	}
	for len(queue) > 0 {
		sf := queue[0]
		queue = queue[1:]
		for name := range sf.uses {
			for _, other := range declaredIn[name] {
				if !keep[other] {
					keep[other] = true
					queue = append(queue, other)
				}
			}
		}
	}
	var hidden []string
	for _, sf := range files {
		if !keep[sf] {
			hidden = append(hidden, sf.path)
		}
	}
	return hidden, nil
}

// topLevelNames lists what a file declares at package level: functions,
// methods (by their name), types, variables and constants.
func topLevelNames(f *ast.File) []string {
	var names []string
	add := func(id *ast.Ident) {
		if id != nil && id.Name != "_" && id.Name != "init" {
			names = append(names, id.Name)
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			add(d.Name)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					add(spec.Name)
				case *ast.ValueSpec:
					for _, id := range spec.Names {
						add(id)
					}
				}
			}
		}
	}
	return names
}

// specLabels returns the string literals passed to Label(...) in a file.
func specLabels(f *ast.File) []string {
	var labels []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		name := ""
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			name = fun.Name
		case *ast.SelectorExpr:
			name = fun.Sel.Name
		}
		if name != "Label" {
			return true
		}
		for _, arg := range call.Args {
			if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					labels = append(labels, s)
				}
			}
		}
		return true
	})
	return labels
}
