package selftest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"autoroute/internal/snippets"
)

// Every ```go block of every lesson text, in both languages, compiles; a
// block that shows its output prints it; a block that shows a bug shows it;
// a signature matches the stub. The markers are described in package
// snippets and in the README's section for maintainers.
func TestLessonSnippets(t *testing.T) {
	t.Parallel()
	c := load(t)
	var blocks []*snippets.Block
	stubOf := map[string]string{}
	for _, l := range c.Lessons {
		for _, lang := range []string{"en", "fr"} {
			file := filepath.Join(root, l.Readme(lang))
			text, err := os.ReadFile(file)
			require.NoError(t, err)
			bs, err := snippets.Parse(file, text)
			require.NoError(t, err, "lesson %s: a snippet marker is wrong", l.ID)
			blocks = append(blocks, bs...)
			stubOf[file] = filepath.Join(root, l.PristineDir())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, _ := exec.Command("go", "env", "CGO_ENABLED").Output()
	verdicts, err := snippets.Check(ctx, snippets.Options{
		Module:       root,
		SignatureDir: func(md string) string { return stubOf[md] },
		NoRace:       strings.TrimSpace(string(out)) != "1",
	}, blocks)
	require.NoError(t, err)

	counts := map[string]map[snippets.Status]int{}
	for _, v := range verdicts {
		file, _ := filepath.Rel(root, v.Block.File)
		if counts[file] == nil {
			counts[file] = map[snippets.Status]int{}
		}
		counts[file][v.Status]++
		switch v.Status {
		case snippets.Failed:
			t.Errorf("%s:%d: ```go block: %s", file, v.Block.Line, v.Problem)
		case snippets.NoRace:
			t.Logf("%s:%d: shows a race, not checked: the race detector needs cgo", file, v.Block.Line)
		}
	}
	for _, l := range c.Lessons {
		for _, lang := range []string{"en", "fr"} {
			n := counts[l.Readme(lang)]
			t.Logf("%-32s %s", l.Readme(lang), summary(n))
		}
	}
}

func summary(n map[snippets.Status]int) string {
	var parts []string
	for _, s := range []snippets.Status{snippets.Compiled, snippets.Ran, snippets.BugShown, snippets.Signature, snippets.Skipped, snippets.NoRace, snippets.Failed} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
