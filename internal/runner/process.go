package runner

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"autoroute/internal/wire"
)

// waitDelay bounds how long a test process's output may stay open after
// the process ended (a child it started and that inherited it): past it
// the runner stops reading and goes on.
const waitDelay = 2 * time.Second

// Caps on what a test process can make the runner keep in memory.
const (
	outputLimit  = 8 << 20 // standard output and error, together
	resultsLimit = 8 << 20 // the results channel
	longestLine  = 64 << 10
)

// sandbox is the private directory a test process gets as its home,
// configuration, cache and temporary directory: it can write there and
// nowhere the runner or a later run will look.
type sandbox struct{ dir string }

func newSandbox(tmp string) (*sandbox, error) {
	dir, err := os.MkdirTemp(tmp, "sandbox-")
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"home", "config", "cache", "data", "state", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	return &sandbox{dir: dir}, nil
}

func (s *sandbox) remove() { os.RemoveAll(s.dir) }

// env is the whole environment of a test process: nothing of the caller's
// but what a program needs to run (PATH, on Windows the system root), the
// scheduler's width (GOMAXPROCS, so that a maintainer's flake hunt at
// GOMAXPROCS=1 runs the specs at 1), the sandbox's directories, and the
// runner's settings.
func (s *sandbox) env(opts Options, results string) []string {
	at := func(sub string) string { return filepath.Join(s.dir, sub) }
	env := []string{
		"HOME=" + at("home"), "USERPROFILE=" + at("home"),
		"XDG_CONFIG_HOME=" + at("config"), "XDG_CACHE_HOME=" + at("cache"),
		"XDG_DATA_HOME=" + at("data"), "XDG_STATE_HOME=" + at("state"),
		"APPDATA=" + at("config"), "LOCALAPPDATA=" + at("cache"),
		"TMPDIR=" + at("tmp"), "TMP=" + at("tmp"), "TEMP=" + at("tmp"),
		"GOENV=off", "GOFLAGS=", "GOWORK=off", "GOCACHE=" + at("cache"),
		"NO_COLOR=1", raceOptions(),
		"GOMEMLIMIT=" + strconv.FormatInt(opts.MemoryLimit/4*3, 10),
	}
	for _, name := range []string{"PATH", "SYSTEMROOT", "SystemRoot", "WINDIR", "LANG", "TZ", "GOMAXPROCS"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	if results != "" {
		env = append(env, wire.ResultsEnv+"="+results)
	}
	return env
}

// raceOptions stops the race detector from sleeping a second when the
// process exits (its default, to let other goroutines' reports arrive): a
// race during a spec is reported while the spec runs, and the second per
// process would make every run ten times slower than its specs. Reports go
// to standard error, where the runner pins them on specs.
func raceOptions() string {
	opts := "atexit_sleep_ms=0"
	if env := os.Getenv("GORACE"); env != "" {
		var kept []string
		for _, f := range strings.Fields(env) { // the runner's own choices stay its own
			if !strings.HasPrefix(f, "log_path=") && !strings.HasPrefix(f, "exitcode=") && !strings.HasPrefix(f, "halt_on_error=") {
				kept = append(kept, f)
			}
		}
		opts = strings.Join(append(kept, opts), " ")
	}
	return "GORACE=" + opts
}

// runArgs are the flags of a test process: every one that changes what
// runs or how it reports, set explicitly, whatever the defaults.
func runArgs(opts Options, seed int64, skip, report string) []string {
	args := []string{
		"-test.count=1", "-test.run=", "-test.skip=", "-test.failfast=false", "-test.shuffle=off",
		"-test.short=false", "-test.timeout=0", "-test.v=false",
		"-ginkgo.no-color", "-ginkgo.dry-run=false", "-ginkgo.fail-fast=false", "-ginkgo.flake-attempts=0",
		"-ginkgo.fail-on-pending=false", "-ginkgo.fail-on-empty=false",
		"-ginkgo.label-filter=" + opts.labelFilterValue(), "-ginkgo.sem-ver-filter=",
		"-ginkgo.randomize-all=" + strconv.FormatBool(seed != 0), "-ginkgo.seed=" + strconv.FormatInt(seed, 10),
		"-ginkgo.timeout=" + (opts.Budget + time.Minute).String(), "-ginkgo.parallel.process=1", "-ginkgo.parallel.total=1",
	}
	if focus := opts.focusPattern(); focus != "" {
		// No empty --focus otherwise: Ginkgo would keep it as a pattern.
		// The configuration the harness reports says no focus was set.
		args = append(args, "-ginkgo.focus="+focus)
	}
	if report != "" {
		args = append(args, "-ginkgo.json-report="+report)
	}
	if skip != "" {
		args = append(args, "-ginkgo.skip="+skip)
	}
	return args
}

// expectedConfig is what the harness must report the suite ran with.
func expectedConfig(opts Options, seed int64, skip string) wire.SuiteConfig {
	c := wire.SuiteConfig{LabelFilter: opts.labelFilterValue(), Seed: seed, RandomizeAll: seed != 0, ParallelTotal: 1}
	if focus := opts.focusPattern(); focus != "" {
		c.Focus = []string{focus}
	}
	if skip != "" {
		c.Skip = []string{skip}
	}
	return c
}

// labelFilterValue is the Ginkgo --label-filter that selects opts.Exercises.
func (opts Options) labelFilterValue() string { return strings.Join(opts.Exercises, " || ") }

// focusPattern is the Ginkgo --focus regexp that selects opts.Specs by
// their It text, the end of a spec's full text ("" selects every spec).
func (opts Options) focusPattern() string {
	if len(opts.Specs) == 0 {
		return ""
	}
	return "(?:^| )" + oneOf(opts.Specs) + "$"
}

// oneOf is a regexp group that matches any of texts, as written.
func oneOf(texts []string) string {
	quoted := make([]string, len(texts))
	for i, text := range texts {
		quoted[i] = regexp.QuoteMeta(text)
	}
	return "(?:" + strings.Join(quoted, "|") + ")"
}

// filters are labelFilterValue and focusPattern as flags, for a dry run.
func (opts Options) filters() []string {
	var args []string
	if len(opts.Exercises) > 0 {
		args = append(args, "-ginkgo.label-filter="+opts.labelFilterValue())
	}
	if focus := opts.focusPattern(); focus != "" {
		args = append(args, "-ginkgo.focus="+focus)
	}
	return args
}

// skipPattern is a Ginkgo --skip regexp matching the specs already done.
func skipPattern(done map[string]bool) string {
	if len(done) == 0 {
		return ""
	}
	return " " + oneOf(slices.Collect(maps.Keys(done))) + "$"
}

func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// runOnce runs the suite binary once, skipping the specs in done, and reads
// what it reported.
func runOnce(ctx context.Context, opts Options, binary, tmp string, seed int64, done map[string]bool, report string) (*process, error) {
	skip := skipPattern(done)
	sandbox, err := newSandbox(tmp)
	if err != nil {
		return nil, err
	}
	defer sandbox.remove()
	nonce := newNonce()
	channel, err := openChannel(sandbox.dir, nonce)
	if err != nil {
		return nil, err
	}
	defer channel.close()

	cmd := exec.Command(binary, runArgs(opts, seed, skip, report)...)
	cmd.Dir = filepath.Join(opts.Root, opts.Lesson.SpecDir())
	cmd.Env = sandbox.env(opts, channel.env)
	cmd.ExtraFiles = channel.extra
	cmd.SysProcAttr = ownGroup()
	cmd.WaitDelay = waitDelay
	var output bytes.Buffer
	mark := []byte(wire.Prefix + nonce + ":")
	out := &capped{w: &output, limit: outputLimit, keep: func(line []byte) bool { return bytes.HasPrefix(line, mark) }}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s suite: %w", opts.Lesson.ID, err)
	}
	channel.started()
	confine(cmd, opts.MemoryLimit) // Windows: a job object, killed as a whole
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	overMemory, stopWatch := watchMemory(cmd.Process.Pid, opts.MemoryLimit)
	defer stopWatch()

	var waitErr error
	interrupted, tooBig := false, false
	budget := time.NewTimer(opts.Budget)
	defer budget.Stop()
	select {
	case waitErr = <-exited:
	case <-overMemory:
		tooBig = true
		killGroup(cmd)
		waitErr = <-exited
	case <-budget.C:
		interrupted = true
		waitErr = stop(cmd, exited)
	case <-ctx.Done():
		stop(cmd, exited)
		return nil, ctx.Err()
	}
	killGroup(cmd) // whatever the process started is gone with it
	out.flush()
	results, err := channel.read()
	if err != nil {
		return nil, fmt.Errorf("reading the results of the %s suite: %w", opts.Lesson.ID, err)
	}
	p := parse(nonce, results, output.Bytes(), expectedConfig(opts, seed, skip))
	teach(opts, p) // races.go: a race in words (the raw report in Detail), a crash's section
	p.interrupted = interrupted
	p.exit = waitErr
	if p.crashed != "" {
		switch {
		case tooBig:
			p.crashMessage = fmt.Sprintf("The test process used more than %d MiB of memory while this spec ran and was killed "+
				"(goroutines or buffers that grow without bound?).\n%s", opts.MemoryLimit>>20,
				strings.Replace(p.crashMessage, silentDeath+"\n", "", 1))
		case interrupted:
			p.crashMessage = fmt.Sprintf("The suite was still running this spec after %v and was interrupted.\n%s", opts.Budget, p.crashMessage)
		}
	}
	return p, nil
}

// capped keeps a suite's output within limit bytes, so a suite that
// prints gigabytes cannot exhaust the runner's memory: lines past the
// limit are dropped, and a line longer than longestLine is cut.
//
// Past the limit two kinds of line are still kept, cut to a few hundred
// bytes: the harness's own marks (keep says which those are; learner code
// cannot forge them), and the first line of each data-race report, so that
// no amount of output can hide a race from the runner.
type capped struct {
	w       io.Writer
	limit   int
	written int
	dropped int
	line    []byte
	keep    func(line []byte) bool
	kept    int  // lines kept past the limit
	marked  bool // a harness mark was kept since the last race line kept past keptPastLimit
}

// keptPastLimit bounds the race lines kept past the limit, and shortLine
// their length; past it, one is kept after each harness mark, which is
// enough to pin a race on every spec (at 100,000, a gigabyte of such lines
// cost the runner about 200 MB of memory).
const (
	keptPastLimit = 1000
	shortLine     = 256
)

func (c *capped) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			room := longestLine - len(c.line)
			if room > len(p) {
				room = len(p)
			}
			c.line = append(c.line, p[:room]...)
			if len(c.line) >= longestLine {
				c.emit(append(c.line, '\n'))
				c.line = c.line[:0]
			}
			p = p[room:]
			continue
		}
		take := i + 1
		if len(c.line)+take > longestLine {
			c.line = append(c.line, p[:longestLine-len(c.line)]...)
			c.line = append(c.line, '\n')
		} else {
			c.line = append(c.line, p[:take]...)
		}
		c.emit(c.line)
		c.line = c.line[:0]
		p = p[take:]
	}
	return n, nil
}

func (c *capped) emit(line []byte) {
	if c.written+len(line) > c.limit {
		c.dropped += len(line)
		if c.keep != nil && c.keep(line) { // the harness's: whole, and few (learner code cannot add any)
			c.w.Write(line)
			c.marked = true
			return
		}
		// Past keptPastLimit race lines (printed by learner code, between
		// specs, to use the allowance up), one more is kept after each
		// harness mark: every spec's window still shows its race.
		if (c.kept < keptPastLimit || c.marked) && bytes.Contains(line, []byte(raceWarning)) {
			c.kept++
			c.marked = false
			if len(line) > shortLine {
				line = append(line[:shortLine:shortLine], '\n')
			}
			c.w.Write(line)
		}
		return
	}
	c.written += len(line)
	c.w.Write(line)
}

// flush writes a last line that had no newline.
func (c *capped) flush() {
	if len(c.line) > 0 {
		c.emit(append(c.line, '\n'))
		c.line = c.line[:0]
	}
}
