// Package mutate derives operator mutants from a lesson's reference
// solution and runs the lesson's specs against each: a spec suite that
// lets a mutant pass (it "survives") cannot tell that mutant from the
// reference, so either the suite misses a bug a learner could write or the
// mutant is equivalent to the reference (it behaves the same), which the
// manifest then records with a reason.
//
// Mutants are made with go/ast and applied as text edits to the file, so
// every line the mutation does not touch keeps its number. A mutant's ID is
// file:function:operator:ordinal (the ordinal counts that operator's
// mutants within the function, from 1), so it keeps its meaning when
// unrelated code moves.
package mutate

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// The operators.
const (
	OpDropCall      = "drop-call"      // a call to Stop, Unlock, RUnlock, Close, Done, close or a cancel function, dropped (deferred or not)
	OpDropDefer     = "drop-defer"     // any other defer, dropped
	OpDropCase      = "drop-case"      // a case of a select, dropped (its channel made nil, so it is never ready)
	OpCapPlus       = "cap-plus"       // a channel's capacity n made n+1
	OpCapMinus      = "cap-minus"      // a channel's capacity n made n-1
	OpCapZero       = "cap-zero"       // a channel's capacity 1 made 0
	OpBoundary      = "boundary"       // < and <=, > and >= swapped
	OpErrorsIs      = "errors-is"      // errors.Is(a, b) made a == b
	OpDropReturn    = "drop-return"    // the return of an if err != nil block, dropped
	OpBackground    = "background"     // a ctx argument replaced by context.Background()
	OpUnlockEarlier = "unlock-earlier" // an Unlock moved above the statement before it
)

// Operators lists every operator, in the order they are documented.
var Operators = []string{OpDropCall, OpDropDefer, OpDropCase, OpCapPlus, OpCapMinus, OpCapZero,
	OpBoundary, OpErrorsIs, OpDropReturn, OpBackground, OpUnlockEarlier}

// Mutant is one small change to one file of the reference.
type Mutant struct {
	ID       string `json:"id"`
	File     string `json:"file"` // the file's name in the lesson's package
	Line     int    `json:"line"` // where the change is
	Func     string `json:"func"` // the function it is in
	Operator string `json:"operator"`
	Before   string `json:"before"` // the text changed, on one line
	After    string `json:"after"`  // what it became
	Content  []byte `json:"-"`      // the whole mutated file
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// callNames are the calls whose omission is a classic concurrency bug.
var callNames = []string{"Stop", "Unlock", "RUnlock", "Close", "Done", "close"}

// Generate returns the mutants of one Go file (name is its file name, used
// in IDs), in the order they appear.
func Generate(name string, src []byte) ([]Mutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	g := &generator{name: name, src: src, fset: fset, file: f, ordinals: map[string]int{}}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		g.fn = funcName(fd)
		g.walk(fd.Body)
	}
	return g.mutants, nil
}

type generator struct {
	name     string
	src      []byte
	fset     *token.FileSet
	file     *ast.File
	fn       string
	ordinals map[string]int
	mutants  []Mutant
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	var recv string
	switch t := fd.Recv.List[0].Type.(type) {
	case *ast.StarExpr:
		recv = "(*" + typeName(t.X) + ")"
	default:
		recv = typeName(t)
	}
	return recv + "." + fd.Name.Name
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X)
	case *ast.IndexListExpr:
		return typeName(t.X)
	}
	return "?"
}

func (g *generator) off(p token.Pos) int { return g.fset.Position(p).Offset }

func (g *generator) text(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

// add records a mutant made of edits; at is where it is reported, before
// and after describe it.
func (g *generator) add(op string, at token.Pos, before, after string, edits ...edit) {
	content := apply(g.src, edits)
	if bytes.Equal(content, g.src) {
		return
	}
	key := g.fn + "\x00" + op
	g.ordinals[key]++
	g.mutants = append(g.mutants, Mutant{
		ID:       fmt.Sprintf("%s:%s:%s:%d", g.name, g.fn, op, g.ordinals[key]),
		File:     g.name,
		Line:     g.fset.Position(at).Line,
		Func:     g.fn,
		Operator: op,
		Before:   oneLine(before),
		After:    oneLine(after),
		Content:  content,
	})
}

func apply(src []byte, edits []edit) []byte {
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b edit) int { return b.start - a.start })
	out := slices.Clone(src)
	for _, e := range edits {
		out = append(out[:e.start:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// oneLine squeezes a piece of code onto one line of reasonable length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// walk visits the body of the current function, function literals
// included (they count as part of it).
func (g *generator) walk(body ast.Node) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok && g.isCleanupCall(call) {
				g.add(OpDropCall, n.Pos(), g.text(n), g.dropped(call), edit{g.off(n.Pos()), g.off(n.End()), g.dropped(call)})
			}
		case *ast.DeferStmt:
			op := OpDropDefer
			if g.isCleanupCall(n.Call) {
				op = OpDropCall
			}
			g.add(op, n.Pos(), g.text(n), g.dropped(n.Call), edit{g.off(n.Pos()), g.off(n.End()), g.dropped(n.Call)})
		case *ast.SelectStmt:
			g.selectCases(n)
		case *ast.CallExpr:
			g.call(n)
		case *ast.BinaryExpr:
			g.boundary(n)
		case *ast.IfStmt:
			g.dropReturn(n)
		case *ast.BlockStmt:
			g.unlockEarlier(n.List)
		case *ast.CaseClause:
			g.unlockEarlier(n.Body)
		case *ast.CommClause:
			g.unlockEarlier(n.Body)
		}
		return true
	})
}

// isCleanupCall reports whether call releases something: a Stop, Unlock,
// Close, Done, close, or a function whose name says it cancels.
func (g *generator) isCleanupCall(call *ast.CallExpr) bool {
	var name string
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		name = fn.Name
	case *ast.SelectorExpr:
		name = fn.Sel.Name
		if name == "close" {
			return false
		}
	default:
		return false
	}
	return slices.Contains(callNames, name) || strings.Contains(strings.ToLower(name), "cancel")
}

// dropped is what replaces a dropped call: a statement that keeps every
// name it used in use, so that the mutant still compiles.
func (g *generator) dropped(call *ast.CallExpr) string {
	var parts []string
	if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "close" {
		parts = append(parts, "_ = "+g.text(call.Fun))
	}
	for _, a := range call.Args {
		if _, lit := a.(*ast.BasicLit); lit {
			continue
		}
		if id, ok := a.(*ast.Ident); ok && id.Name == "nil" {
			continue
		}
		parts = append(parts, "_ = "+g.text(a))
	}
	if len(parts) == 0 {
		return "{}"
	}
	return strings.Join(parts, "; ")
}

// selectCases drops each case of a select with two or more. A
// communication case is not cut out but switched off: its channel becomes
// a nil one of the same type (never ready), so the names it declares and
// uses stay in use and the mutant compiles; a default case is cut out.
func (g *generator) selectCases(s *ast.SelectStmt) {
	if len(s.Body.List) < 2 {
		return
	}
	for _, c := range s.Body.List {
		cc := c.(*ast.CommClause)
		if cc.Comm == nil {
			g.add(OpDropCase, cc.Pos(), "default: ...", "(default removed)", edit{g.off(cc.Pos()), g.off(cc.End()), ""})
			continue
		}
		ch := commChannel(cc.Comm)
		if ch == nil {
			continue
		}
		g.add(OpDropCase, cc.Pos(), "case "+g.text(cc.Comm)+": ...", "(case never ready: its channel made nil)",
			edit{g.off(ch.Pos()), g.off(ch.Pos()), neverFunc + "("},
			edit{g.off(ch.End()), g.off(ch.End()), ")"},
			edit{len(g.src), len(g.src), "\nfunc " + neverFunc + "[C any](C) C { var never C; return never }\n"})
	}
}

// neverFunc is the helper a dropped case's channel goes through: it
// returns the nil channel of its argument's type.
const neverFunc = "mutantNever"

// commChannel returns the channel a select case sends to or receives from.
func commChannel(s ast.Stmt) ast.Expr {
	recv := func(e ast.Expr) ast.Expr {
		if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			return u.X
		}
		return nil
	}
	switch s := s.(type) {
	case *ast.SendStmt:
		return s.Chan
	case *ast.ExprStmt:
		return recv(s.X)
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			return recv(s.Rhs[0])
		}
	}
	return nil
}

func (g *generator) call(call *ast.CallExpr) {
	// make(chan T[, n])
	if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "make" && len(call.Args) >= 1 {
		if _, isChan := call.Args[0].(*ast.ChanType); isChan {
			g.capacity(call)
		}
		return
	}
	// errors.Is(a, b)
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Is" && len(call.Args) == 2 {
		if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "errors" {
			after := "(" + g.text(call.Args[0]) + " == " + g.text(call.Args[1]) + ")"
			// Keep the import in use, whatever else the file does with it.
			keep := edit{len(g.src), len(g.src), "\nvar _ = errors.Is\n"}
			g.add(OpErrorsIs, call.Pos(), g.text(call), after, edit{g.off(call.Pos()), g.off(call.End()), after}, keep)
		}
	}
	// f(..., ctx, ...)
	for _, a := range call.Args {
		id, ok := a.(*ast.Ident)
		if !ok || !(id.Name == "ctx" || strings.HasSuffix(id.Name, "Ctx")) {
			continue
		}
		edits := []edit{{g.off(id.Pos()), g.off(id.End()), "context.Background()"}}
		if imp := g.importContext(); imp != nil {
			edits = append(edits, *imp)
		}
		g.add(OpBackground, id.Pos(), g.text(call), strings.Replace(g.text(call), id.Name, "context.Background()", 1), edits...)
	}
}

// importContext returns the edit that imports package context, on the
// package clause's line so that no line moves, or nil if the file has it.
func (g *generator) importContext() *edit {
	for _, imp := range g.file.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == "context" && (imp.Name == nil || imp.Name.Name == "context") {
			return nil
		}
	}
	end := g.off(g.file.Name.End())
	return &edit{end, end, `; import "context"`}
}

func (g *generator) capacity(call *ast.CallExpr) {
	where := call.Pos()
	if len(call.Args) == 1 {
		after := g.text(call)[:g.off(call.Rparen)-g.off(call.Pos())] + ", 1)"
		g.add(OpCapPlus, where, g.text(call), after, edit{g.off(call.Rparen), g.off(call.Rparen), ", 1"})
		return
	}
	n := call.Args[1]
	span := func(text string) edit { return edit{g.off(n.Pos()), g.off(n.End()), text} }
	show := func(text string) string {
		return g.text(call)[:g.off(n.Pos())-g.off(call.Pos())] + text + g.text(call)[g.off(n.End())-g.off(call.Pos()):]
	}
	if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.INT {
		v, err := strconv.Atoi(lit.Value)
		if err != nil {
			return
		}
		plus := strconv.Itoa(v + 1)
		g.add(OpCapPlus, where, g.text(call), show(plus), span(plus))
		switch {
		case v == 1:
			g.add(OpCapZero, where, g.text(call), show("0"), span("0"))
		case v > 1:
			minus := strconv.Itoa(v - 1)
			g.add(OpCapMinus, where, g.text(call), show(minus), span(minus))
		}
		return
	}
	plus, minus := "("+g.text(n)+")+1", "("+g.text(n)+")-1"
	g.add(OpCapPlus, where, g.text(call), show(plus), span(plus))
	g.add(OpCapMinus, where, g.text(call), show(minus), span(minus))
}

var swapped = map[token.Token]token.Token{
	token.LSS: token.LEQ, token.LEQ: token.LSS,
	token.GTR: token.GEQ, token.GEQ: token.GTR,
}

func (g *generator) boundary(b *ast.BinaryExpr) {
	to, ok := swapped[b.Op]
	if !ok {
		return
	}
	at := g.off(b.OpPos)
	after := g.text(b.X) + " " + to.String() + " " + g.text(b.Y)
	g.add(OpBoundary, b.OpPos, g.text(b), after, edit{at, at + len(b.Op.String()), to.String()})
}

// dropReturn drops the return ending an `if err != nil` block.
func (g *generator) dropReturn(s *ast.IfStmt) {
	cond, ok := s.Cond.(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ || len(s.Body.List) == 0 {
		return
	}
	isErr := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && (id.Name == "err" || strings.HasSuffix(id.Name, "Err") || strings.HasSuffix(id.Name, "err"))
	}
	isNil := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == "nil" }
	if !(isErr(cond.X) && isNil(cond.Y) || isNil(cond.X) && isErr(cond.Y)) {
		return
	}
	ret, ok := s.Body.List[len(s.Body.List)-1].(*ast.ReturnStmt)
	if !ok {
		return
	}
	// The returned values stay in use: `_ = v` for each.
	var keep []string
	for _, r := range ret.Results {
		switch r := r.(type) {
		case *ast.BasicLit:
			continue
		case *ast.Ident:
			if r.Name == "nil" || r.Name == "true" || r.Name == "false" {
				continue
			}
		}
		keep = append(keep, "_ = "+g.text(r))
	}
	after := strings.Join(keep, "; ")
	g.add(OpDropReturn, ret.Pos(), g.text(ret), "(return removed)", edit{g.off(ret.Pos()), g.off(ret.End()), after})
}

// unlockEarlier moves each Unlock above the statement before it, unless
// that statement is the Lock itself or ends the block's flow.
func (g *generator) unlockEarlier(list []ast.Stmt) {
	for j := 1; j < len(list); j++ {
		call := unlockCall(list[j])
		if call == nil {
			continue
		}
		prev := list[j-1]
		switch p := prev.(type) {
		case *ast.ReturnStmt, *ast.BranchStmt:
			continue
		case *ast.ExprStmt:
			if c, ok := p.X.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Lock" || sel.Sel.Name == "RLock") {
					continue
				}
			}
		}
		start, end := g.off(prev.Pos()), g.off(list[j].End())
		between := string(g.src[g.off(prev.End()):g.off(list[j].Pos())])
		text := g.text(list[j]) + between + g.text(prev)
		g.add(OpUnlockEarlier, prev.Pos(), g.text(prev)+"; "+g.text(list[j]), g.text(list[j])+"; "+g.text(prev),
			edit{start, end, text})
	}
}

func unlockCall(s ast.Stmt) *ast.CallExpr {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return nil
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return nil
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Unlock" || sel.Sel.Name == "RUnlock") {
		return call
	}
	return nil
}
