package snippets

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// CheckSignature checks a signature block against the Go package in dir:
// every declaration of the block must be a func without a body, and the
// package must declare a func of the same name and receiver with the same
// signature, parameter names included.
func (b *Block) CheckSignature(dir string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+b.Code, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("a signature block must hold Go func declarations: %v", err)
	}
	declared, err := packageFuncs(dir)
	if err != nil {
		return err
	}
	if len(f.Decls) == 0 {
		return fmt.Errorf("an empty signature block")
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body != nil {
			return fmt.Errorf("a signature block holds only func declarations without a body")
		}
		key := funcKey(fd)
		want, ok := declared[key]
		if !ok {
			return fmt.Errorf("%s is not declared in %s", key, dir)
		}
		if got := signature(fset, fd); got != want {
			return fmt.Errorf("the text shows\n\t%s\nbut %s declares\n\t%s", got, dir, want)
		}
	}
	return nil
}

// packageFuncs maps every func of the package in dir to its signature.
func packageFuncs(dir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no Go files in %s to check signatures against", dir)
	}
	fset := token.NewFileSet()
	funcs := map[string]string{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[funcKey(fd)] = signature(fset, fd)
			}
		}
	}
	return funcs, nil
}

// funcKey names a func by its receiver's type and its name: (*Executor).Spawn, New.
func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	name := "?"
	if id, ok := t.(*ast.Ident); ok {
		name = id.Name
	}
	return fmt.Sprintf("(%s%s).%s", star, name, fd.Name.Name)
}

// signature prints a func declaration without its doc comment and body.
func signature(fset *token.FileSet, fd *ast.FuncDecl) string {
	bare := *fd
	bare.Doc, bare.Body = nil, nil
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, &bare); err != nil {
		return err.Error()
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
