package selftest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpecsHandLearnerCodeNoSpecContext keeps Ginkgo's SpecContext on the
// spec's side of the line: a spec may use it only to make the plain context
// it hands to learner code (harness.Context), so learner code never holds a
// value of Ginkgo's, whatever it does with its argument.
func TestSpecsHandLearnerCodeNoSpecContext(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(root, "specs", "*", "*_test.go"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, use := range specContextMisuses(file) {
			rel, _ := filepath.Rel(root, fset.Position(use).Filename)
			assert.Fail(t, "a SpecContext reaches further than harness.Context",
				"%s:%d: the spec uses its SpecContext for something other than harness.Context(spec); "+
					"start the spec with ctx := harness.Context(spec) and hand ctx to learner code",
				rel, fset.Position(use).Line)
		}
	}
}

// specContextMisuses returns where a parameter of type SpecContext is used
// other than as the single argument of harness.Context.
func specContextMisuses(file *ast.File) []token.Pos {
	params := map[*ast.Object]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		var fields *ast.FieldList
		switch fn := n.(type) {
		case *ast.FuncLit:
			fields = fn.Type.Params
		case *ast.FuncDecl:
			fields = fn.Type.Params
		default:
			return true
		}
		for _, field := range fields.List {
			if !isSpecContext(field.Type) {
				continue
			}
			for _, name := range field.Names {
				if name.Obj != nil {
					params[name.Obj] = true
				}
			}
		}
		return true
	})
	allowed := map[*ast.Ident]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Context" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "harness" {
			if arg, ok := call.Args[0].(*ast.Ident); ok {
				allowed[arg] = true
			}
		}
		return true
	})
	var misuses []token.Pos
	ast.Inspect(file, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Obj == nil || !params[id.Obj] || id.Obj.Decl == nil {
			return true
		}
		if field, ok := id.Obj.Decl.(*ast.Field); ok && containsName(field, id) {
			return true // the declaration itself
		}
		if !allowed[id] {
			misuses = append(misuses, id.Pos())
		}
		return true
	})
	return misuses
}

func isSpecContext(expr ast.Expr) bool {
	switch t := expr.(type) {
	case *ast.Ident:
		return t.Name == "SpecContext"
	case *ast.SelectorExpr:
		return t.Sel.Name == "SpecContext"
	}
	return false
}

func containsName(field *ast.Field, id *ast.Ident) bool {
	for _, name := range field.Names {
		if name == id {
			return true
		}
	}
	return false
}
