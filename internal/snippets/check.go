package snippets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Status is what the check made of a block.
type Status string

const (
	Compiled  Status = "compiled"          // compiled and vetted
	Ran       Status = "ran"               // compiled, run, and its output is the one shown
	BugShown  Status = "bug shown"         // run, and the bug it is marked with showed
	Signature Status = "signature"         // its declarations match the package
	Skipped   Status = "skipped"           // marked skip, with a reason
	NoRace    Status = "not run, no -race" // a race to show, and no race detector here
	Failed    Status = "failed"
)

// Verdict is the check's answer for one block.
type Verdict struct {
	Block   *Block
	Status  Status
	Problem string // why it failed
}

// Options says where and how to check.
type Options struct {
	// Module is the directory of the go.mod whose packages the blocks may
	// import (autoroute/fakes/clock, say); the blocks are built in a
	// module of their own that replaces it with this directory, and follow
	// its go line (loop variables, timers: the language version matters).
	Module string
	// SignatureDir names the package a signature block of the given
	// Markdown file is checked against.
	SignatureDir func(markdown string) string
	// NoRace says the race detector is not available (no cgo): blocks
	// that show a race are reported NoRace instead of being run.
	NoRace bool
	// RunTimeout bounds each program's run; 30 s when zero.
	RunTimeout time.Duration
}

type unit struct {
	block *Block
	dir   string // bNNN, or bNNNfix for the fixed program
	fixed bool
	pkg   string
}

// Check compiles every block that is not skipped (one go vet for all of
// them), runs those that show an output or a bug, and returns a verdict
// per block, in order. The error is for a check that could not run at all.
func Check(ctx context.Context, opts Options, blocks []*Block) ([]Verdict, error) {
	if opts.RunTimeout == 0 {
		opts.RunTimeout = 30 * time.Second
	}
	module, err := filepath.Abs(opts.Module)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "autoroute-snippets-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := writeModule(tmp, module); err != nil {
		return nil, err
	}

	verdicts := make([]Verdict, len(blocks))
	var units []*unit
	for i, b := range blocks {
		verdicts[i] = Verdict{Block: b}
		v := &verdicts[i]
		switch {
		case b.Skip != "":
			v.Status = Skipped
			continue
		case b.Signature:
			dir := ""
			if opts.SignatureDir != nil {
				dir = opts.SignatureDir(b.File)
			}
			if dir == "" {
				v.Status, v.Problem = Failed, "no package to check a signature block against"
			} else if err := b.CheckSignature(dir); err != nil {
				v.Status, v.Problem = Failed, err.Error()
			} else {
				v.Status = Signature
			}
			continue
		}
		variants := []bool{false}
		if len(b.Fixes) > 0 {
			variants = append(variants, true)
		}
		for _, fixed := range variants {
			abs, _ := filepath.Abs(b.File)
			src, pkg, err := b.Source(abs, fixed)
			if err != nil {
				v.Status, v.Problem = Failed, err.Error()
				break
			}
			u := &unit{block: b, dir: fmt.Sprintf("b%03d", i), fixed: fixed, pkg: pkg}
			if fixed {
				u.dir += "fix"
			}
			if err := os.MkdirAll(filepath.Join(tmp, u.dir), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(tmp, u.dir, "snippet.go"), []byte(src), 0o644); err != nil {
				return nil, err
			}
			units = append(units, u)
		}
	}
	byBlock := map[*Block]*Verdict{}
	for i := range verdicts {
		byBlock[verdicts[i].Block] = &verdicts[i]
	}
	fail := func(b *Block, format string, args ...any) {
		v := byBlock[b]
		if v.Status != Failed {
			v.Status, v.Problem = Failed, ""
		}
		if v.Problem != "" {
			v.Problem += "\n"
		}
		v.Problem += fmt.Sprintf(format, args...)
	}
	if len(units) == 0 {
		return verdicts, nil
	}

	// One go vet for every block: compile errors and vet's findings.
	if out, err := goCmd(ctx, tmp, "vet", "./..."); err != nil {
		attributed := attribute(out, tmp, units, blocks)
		if len(attributed) == 0 {
			return nil, fmt.Errorf("go vet failed and named no block:\n%s", out)
		}
		for b, lines := range attributed {
			fail(b, "does not compile or vet:\n%s", strings.Join(lines, "\n"))
		}
	}

	// Build what runs: one go build without -race, one with.
	var plain, race []*unit
	for _, u := range units {
		b := u.block
		if byBlock[b].Status == Failed || !b.Runs() {
			continue
		}
		if u.pkg != "main" {
			fail(b, "is marked to run, or shows its output, but is not a package main")
			continue
		}
		if b.Bug == "race" {
			if !opts.NoRace {
				race = append(race, u)
			}
		} else {
			plain = append(plain, u)
		}
	}
	for _, set := range []struct {
		units []*unit
		args  []string
		bin   string
	}{{plain, nil, "bin"}, {race, []string{"-race"}, "binrace"}} {
		if len(set.units) == 0 {
			continue
		}
		args := append([]string{"build"}, set.args...)
		args = append(args, "-o", filepath.Join(tmp, set.bin)+string(filepath.Separator))
		for _, u := range set.units {
			args = append(args, "./"+u.dir)
		}
		if out, err := goCmd(ctx, tmp, args...); err != nil {
			return nil, fmt.Errorf("go %s failed after go vet passed:\n%s", strings.Join(args, " "), out)
		}
	}

	// Run them, a few at a time.
	type run struct {
		stdout, stderr string
		err            error
	}
	results := map[*unit]*run{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, set := range []struct {
		units []*unit
		bin   string
	}{{plain, "bin"}, {race, "binrace"}} {
		for _, u := range set.units {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				rctx, cancel := context.WithTimeout(ctx, opts.RunTimeout)
				defer cancel()
				cmd := exec.CommandContext(rctx, filepath.Join(tmp, set.bin, u.dir))
				cmd.Dir = tmp
				cmd.Env = append(os.Environ(), "GORACE=halt_on_error=0")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				if rctx.Err() != nil {
					err = fmt.Errorf("still running after %v", opts.RunTimeout)
				}
				mu.Lock()
				results[u] = &run{stdout.String(), stderr.String(), err}
				mu.Unlock()
			})
		}
	}
	wg.Wait()

	for i := range verdicts {
		v := &verdicts[i]
		b := v.Block
		if v.Status != "" || b.Skip != "" || b.Signature {
			continue
		}
		var asWritten, withFix *run
		for u, r := range results {
			if u.block == b {
				if u.fixed {
					withFix = r
				} else {
					asWritten = r
				}
			}
		}
		switch {
		case !b.Runs():
			v.Status = Compiled
		case b.Bug == "race" && opts.NoRace:
			v.Status = NoRace
		case asWritten == nil:
			fail(b, "was not run")
		default:
			v.Status = judge(b, asWritten.stdout, asWritten.stderr, asWritten.err, withFix != nil, func() (string, string, error) {
				return withFix.stdout, withFix.stderr, withFix.err
			}, func(format string, args ...any) { fail(b, format, args...) })
		}
	}
	return verdicts, nil
}

// judge compares what a block's program did with what the block says.
func judge(b *Block, stdout, stderr string, err error, hasFix bool, fix func() (string, string, error), fail func(string, ...any)) Status {
	raced := strings.Contains(stderr, "WARNING: DATA RACE")
	switch b.Bug {
	case "race":
		if !raced {
			fail("is marked bug race, but the race detector stayed silent (stderr:\n%s)", indent(stderr))
			return Failed
		}
	default:
		if err != nil {
			fail("did not run cleanly: %v\nstderr:\n%s", err, indent(stderr))
			return Failed
		}
	}
	if b.HasOutput {
		if got, want := normalise(stdout, b.Unordered), normalise(b.Output, b.Unordered); got != want {
			fail("prints\n%s\nbut the text shows\n%s", indent(got), indent(want))
			return Failed
		}
	}
	if hasFix {
		fstdout, fstderr, ferr := fix()
		switch b.Bug {
		case "race":
			if strings.Contains(fstderr, "WARNING: DATA RACE") || ferr != nil {
				fail("with its fix, still races or fails: %v\nstderr:\n%s", ferr, indent(fstderr))
				return Failed
			}
		case "output":
			if ferr != nil {
				fail("with its fix, did not run cleanly: %v\nstderr:\n%s", ferr, indent(fstderr))
				return Failed
			}
			if normalise(fstdout, false) == normalise(stdout, false) {
				fail("is marked bug output, but prints the same with its fix:\n%s", indent(stdout))
				return Failed
			}
		}
	}
	if b.Bug != "" {
		return BugShown
	}
	return Ran
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "\t(nothing)"
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

var positionRe = regexp.MustCompile(`([^\s:]+\.md):(\d+)`)

// attribute assigns each line of go vet's output to the block it is about:
// by the Markdown position the line directives put in it, or by the
// block's directory.
func attribute(out, tmp string, units []*unit, blocks []*Block) map[*Block][]string {
	byDir := map[string]*Block{}
	for _, u := range units {
		byDir[u.dir] = u.block
	}
	dirRe := regexp.MustCompile(`\bb\d{3}(fix)?\b`)
	got := map[*Block][]string{}
	var current *Block
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var b *Block
		if m := positionRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			for _, c := range blocks {
				abs, _ := filepath.Abs(c.File)
				if abs != m[1] && c.File != m[1] {
					continue
				}
				first, last := c.CodeLine, c.CodeLine+strings.Count(c.Code, "\n")
				if c.Wrapper != "" {
					first = c.WrapperLine
				}
				if n >= first && n <= last {
					b = c
				}
			}
			if b != nil {
				line = strings.Replace(line, m[1], relative(m[1]), 1)
			}
		}
		if b == nil {
			if m := dirRe.FindString(line); m != "" {
				b = byDir[m]
			}
		}
		if strings.HasPrefix(line, "#") {
			current = b
			continue
		}
		if b == nil {
			b = current
		}
		if b != nil {
			got[b] = append(got[b], "\t"+strings.ReplaceAll(line, tmp+string(filepath.Separator), ""))
		}
	}
	return got
}

func relative(abs string) string {
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(wd, abs); err == nil {
		return rel
	}
	return abs
}

func goCmd(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// writeModule writes the blocks' own module: it requires the module at
// dir, replaced by that directory, and copies its go line and go.sum.
func writeModule(tmp, dir string) error {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	path, goLine := "", "go 1.25"
	for _, l := range strings.Split(string(gomod), "\n") {
		l = strings.TrimSpace(l)
		if p, ok := strings.CutPrefix(l, "module "); ok {
			path = strings.Trim(strings.TrimSpace(p), `"`)
		}
		if strings.HasPrefix(l, "go ") {
			goLine = l
		}
	}
	if path == "" {
		return errors.New(filepath.Join(dir, "go.mod") + " has no module line")
	}
	mod := fmt.Sprintf("module snippets\n\n%s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n", goLine, path, path, dir)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	if sum, err := os.ReadFile(filepath.Join(dir, "go.sum")); err == nil {
		return os.WriteFile(filepath.Join(tmp, "go.sum"), sum, 0o644)
	}
	return nil
}
