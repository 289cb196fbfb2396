package snippets_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/snippets"
)

// fence keeps the fixtures readable: ”' stands for ```.
func md(s string) []byte { return []byte(strings.ReplaceAll(s, "'''", "```")) }

func TestParseReadsDirectivesAndOutput(t *testing.T) {
	blocks, err := snippets.Parse("x.md", md(`# A lesson

'''go
package main

func main() { println("hi") }

// Output:
// hi
'''

<!-- snippet: fragment; bug race -->
'''go
count++
'''

<!-- snippet: skip (needs a network) -->
'''go
package main
'''

'''text
not go
'''

<!-- snippet: fragment
func _(ctx context.Context) error {
	{{block}}
}
-->
'''go
return ctx.Err()
'''

<!-- snippet: bug output; fix "a" => "b" -->
'''go
package main
'''
`))
	require.NoError(t, err)
	require.Len(t, blocks, 5)
	assert.Equal(t, 3, blocks[0].Line)
	assert.True(t, blocks[0].HasOutput)
	assert.Equal(t, " hi", blocks[0].Output)
	assert.True(t, blocks[1].Fragment)
	assert.Equal(t, "race", blocks[1].Bug)
	assert.Equal(t, "needs a network", blocks[2].Skip)
	assert.Contains(t, blocks[3].Wrapper, "{{block}}")
	assert.Equal(t, 27, blocks[3].WrapperLine)
	assert.Equal(t, []snippets.Fix{{Old: "a", New: "b"}}, blocks[4].Fixes)
}

func TestParseRefusesWhatWouldBeSilent(t *testing.T) {
	for name, text := range map[string]string{
		"skip without a reason":       "<!-- snippet: skip -->\n'''go\nx\n'''\n",
		"an unknown directive":        "<!-- snippet: fragmnet -->\n'''go\nx\n'''\n",
		"a marker before prose":       "<!-- snippet: fragment -->\nSome prose.\n'''go\nx\n'''\n",
		"a marker before text":        "<!-- snippet: fragment -->\n'''text\nx\n'''\n",
		"a marker at the end":         "<!-- snippet: fragment -->\n",
		"a fix without a bug":         "<!-- snippet: fix \"a\" => \"b\" -->\n'''go\nx\n'''\n",
		"bug output without a fix":    "<!-- snippet: bug output -->\n'''go\nx\n'''\n",
		"a wrapper without {{block}}": "<!-- snippet: fragment\nfunc _() {}\n-->\n'''go\nx\n'''\n",
		"an unclosed block":           "'''go\npackage main\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := snippets.Parse("x.md", md(text))
			assert.Error(t, err)
		})
	}
}

// check writes the fixture as a Markdown file of a fresh module and checks
// its blocks; sigs is the content of a package the signature blocks are
// checked against.
func check(t *testing.T, text string, sigs string) []snippets.Verdict {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fixture\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "lib"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lib", "lib.go"), []byte("package lib\n\n"+sigs), 0o644))
	file := filepath.Join(dir, "README.md")
	require.NoError(t, os.WriteFile(file, md(text), 0o644))
	blocks, err := snippets.Parse(file, md(text))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	verdicts, err := snippets.Check(ctx, snippets.Options{
		Module:       dir,
		SignatureDir: func(string) string { return filepath.Join(dir, "lib") },
	}, blocks)
	require.NoError(t, err)
	return verdicts
}

func TestCheckVerdicts(t *testing.T) {
	t.Parallel()
	verdicts := check(t, `
'''go
package main

import "fmt"

func main() {
	fmt.Println("bbbb")
	fmt.Println("bbbb")
}

// Output:
// bbbb
// bbbb
'''

'''go
package main

import "fmt"

func main() {
	fmt.Println("aaaa")
}

// Output:
// bbbb
'''

'''go
package main

func main() {
	x := 1
}
'''

'''go
select {
case <-done:
}
'''

<!-- snippet: fragment -->
'''go
var wg sync.WaitGroup
count := 0
for range 100 {
	wg.Go(func() { count++ })
}
wg.Wait()
'''

<!-- snippet: fragment; bug race -->
'''go
var wg sync.WaitGroup
count := 0
for range 100 {
	wg.Go(func() { count++ })
}
wg.Wait()
'''

<!-- snippet: fragment; bug race -->
'''go
var mu sync.Mutex
var wg sync.WaitGroup
count := 0
for range 100 {
	wg.Go(func() { mu.Lock(); count++; mu.Unlock() })
}
wg.Wait()
'''

<!-- snippet: bug output; fix "chunk := buf" => "chunk := bytes.Clone(buf)" -->
'''go
package main

import "fmt"

func main() {
	buf := []byte("aaaa")
	chunk := buf
	copy(buf, "bbbb")
	fmt.Println(string(chunk))
}

// Output:
// bbbb
'''

<!-- snippet: bug output; fix "fmt.Println(1)" => "fmt.Println(1 + 0)" -->
'''go
package main

import "fmt"

func main() { fmt.Println(1) }
'''

<!-- snippet: fragment
func wait(ctx context.Context, results <-chan int) (int, error) {
	{{block}}
}
-->
'''go
select {
case v := <-results:
	return v, nil
case <-ctx.Done():
	return 0, ctx.Err()
}
'''

<!-- snippet: signature -->
'''go
func Hello(name string) error
func (s *Server) Serve(n int) error
'''

<!-- snippet: signature -->
'''go
func Hello(who string) error
'''

<!-- snippet: skip (it listens on a real port) -->
'''go
this is not Go
'''
`, "type Server struct{}\n\nfunc Hello(name string) error { return nil }\n\nfunc (s *Server) Serve(n int) error { return nil }\n")

	want := []struct {
		status  snippets.Status
		problem string
	}{
		{snippets.Ran, ""},
		{snippets.Failed, "but the text shows"},
		{snippets.Failed, "declared and not used"},
		{snippets.Failed, "not a Go file"},
		{snippets.Compiled, ""},
		{snippets.BugShown, ""},
		{snippets.Failed, "race detector stayed silent"},
		{snippets.BugShown, ""},
		{snippets.Failed, "prints the same with its fix"},
		{snippets.Compiled, ""},
		{snippets.Signature, ""},
		{snippets.Failed, "declares\n\tfunc Hello(name string) error"},
		{snippets.Skipped, ""},
	}
	require.Len(t, verdicts, len(want))
	for i, w := range want {
		v := verdicts[i]
		assert.Equal(t, w.status, v.Status, "block at %s: %s", v.Block.Where(), v.Problem)
		assert.Contains(t, v.Problem, w.problem, "block at %s", v.Block.Where())
	}
	// A compile error names the Markdown text's line, not the generated file's.
	assert.Contains(t, verdicts[2].Problem, "README.md:34:", verdicts[2].Problem)
}

func TestCheckRefusesAFixThatDoesNotApply(t *testing.T) {
	t.Parallel()
	verdicts := check(t, `
<!-- snippet: bug output; fix "nowhere" => "x" -->
'''go
package main

func main() {}
'''
`, "")
	require.Len(t, verdicts, 1)
	assert.Equal(t, snippets.Failed, verdicts[0].Status)
	assert.Contains(t, verdicts[0].Problem, "appears 0 times")
}

func TestCheckUnorderedOutputAndWrapperLines(t *testing.T) {
	t.Parallel()
	verdicts := check(t, `
'''go
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for _, w := range []string{"a", "b", "c"} {
		wg.Go(func() { fmt.Println(w) })
	}
	wg.Wait()
}

// Unordered output:
// c
// a
// b
'''

<!-- snippet: fragment
func f(ctx context.Context) error {
	{{block}}
}
-->
'''go
return ctx.Err() + 1
'''
`, "")
	require.Len(t, verdicts, 2)
	assert.Equal(t, snippets.Ran, verdicts[0].Status, verdicts[0].Problem)
	assert.Equal(t, snippets.Failed, verdicts[1].Status)
	// The error is on the block's own line of the text (line 30), not the wrapper's.
	assert.Contains(t, verdicts[1].Problem, "README.md:30:", verdicts[1].Problem)
}
