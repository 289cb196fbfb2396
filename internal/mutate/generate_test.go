package mutate_test

import (
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/mutate"
)

func fixture(t *testing.T) ([]byte, []mutate.Mutant) {
	t.Helper()
	src, err := os.ReadFile("testdata/fixture.go.txt")
	require.NoError(t, err)
	ms, err := mutate.Generate("box.go", src)
	require.NoError(t, err)
	return src, ms
}

func TestEachOperatorMakesTheExpectedMutant(t *testing.T) {
	_, ms := fixture(t)
	got := map[string]mutate.Mutant{}
	for _, m := range ms {
		got[m.ID] = m
	}
	for _, want := range []struct {
		id, before, after string
		line              int
	}{
		{"box.go:New:cap-plus:1", "make(chan int, size)", "make(chan int, (size)+1)", 19},
		{"box.go:New:cap-minus:1", "make(chan int, size)", "make(chan int, (size)-1)", 19},
		{"box.go:(*Box).Add:unlock-earlier:1", "b.n += v; b.mu.Unlock()", "b.mu.Unlock(); b.n += v", 24},
		{"box.go:(*Box).Add:drop-call:1", "b.mu.Unlock()", "_ = b.mu.Unlock", 25},
		{"box.go:(*Box).Add:drop-case:1", "case b.ch <- v: ...", "(case never ready: its channel made nil)", 27},
		{"box.go:(*Box).Add:drop-case:2", "case <-ctx.Done(): ...", "(case never ready: its channel made nil)", 29},
		{"box.go:Wait:cap-plus:1", "make(chan bool, 1)", "make(chan bool, 2)", 35},
		{"box.go:Wait:cap-zero:1", "make(chan bool, 1)", "make(chan bool, 0)", 35},
		{"box.go:Wait:drop-call:1", "defer cancel(nil)", "_ = cancel", 37},
		{"box.go:Wait:drop-defer:1", "defer func() { ok <- true }()", "_ = func() { ok <- true }", 38},
		{"box.go:Wait:background:1", "use(ctx)", "use(context.Background())", 39},
		{"box.go:Wait:drop-return:1", "return err", "(return removed)", 40},
		{"box.go:Wait:errors-is:1", "errors.Is(use(ctx), ErrClosed)", "(use(ctx) == ErrClosed)", 42},
		{"box.go:Wait:drop-call:2", "close(ch)", "_ = ch", 43},
		{"box.go:Wait:boundary:1", "i < 3", "i <= 3", 45},
		{"box.go:Wait:boundary:2", "i >= 2", "i > 2", 46},
	} {
		m, ok := got[want.id]
		if !assert.True(t, ok, "no mutant %s", want.id) {
			continue
		}
		assert.Equal(t, want.before, m.Before, want.id)
		assert.Equal(t, want.after, m.After, want.id)
		assert.Equal(t, want.line, m.Line, want.id)
	}
	ops := map[string]bool{}
	for _, m := range ms {
		ops[m.Operator] = true
	}
	for _, op := range mutate.Operators {
		assert.True(t, ops[op], "the fixture has no mutant of operator %s", op)
	}
}

// Every mutant is valid Go with the same number of lines up to its change,
// so the file:line it reports is the line it changed.
func TestMutantsParseAndKeepTheirLines(t *testing.T) {
	src, ms := fixture(t)
	srcLines := strings.Split(string(src), "\n")
	for _, m := range ms {
		_, err := parser.ParseFile(token.NewFileSet(), m.File, m.Content, 0)
		assert.NoError(t, err, "%s does not parse:\n%s", m.ID, m.Content)
		lines := strings.Split(string(m.Content), "\n")
		for i := 1; i < m.Line-1 && i < len(lines); i++ {
			if i == 0 {
				continue // the package clause may gain an import of context
			}
			require.Equal(t, srcLines[i], lines[i], "%s changed line %d, above its own line %d", m.ID, i+1, m.Line)
		}
	}
}

func TestTheBackgroundMutantImportsContextOnThePackageLine(t *testing.T) {
	src := []byte("package p\n\nfunc f(ctx any) { g(ctx) }\n\nfunc g(any) {}\n")
	ms, err := mutate.Generate("p.go", src)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "package p; import \"context\"\n\nfunc f(ctx any) { g(context.Background()) }\n\nfunc g(any) {}\n", string(ms[0].Content))
}

// Ids stay the same when code outside the function moves.
func TestIDsSurviveUnrelatedEdits(t *testing.T) {
	src, ms := fixture(t)
	moved := strings.Replace(string(src), "var ErrClosed", "// a comment\n\nvar Other = 1\n\nvar ErrClosed", 1)
	ms2, err := mutate.Generate("box.go", []byte(moved))
	require.NoError(t, err)
	require.Len(t, ms2, len(ms))
	for i := range ms {
		assert.Equal(t, ms[i].ID, ms2[i].ID)
		assert.Equal(t, ms[i].Line+4, ms2[i].Line, ms[i].ID)
	}
}

func TestTheSampleIsFixed(t *testing.T) {
	_, ms := fixture(t)
	a, b := mutate.Sample(ms, 5), mutate.Sample(append(ms[3:], ms[:3]...), 5)
	require.Len(t, a, 5)
	for i := range a {
		assert.Equal(t, a[i].ID, b[i].ID)
	}
	assert.Len(t, mutate.Sample(ms, 1000), len(ms))
}
