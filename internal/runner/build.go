package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"autoroute/internal/buildslot"
)

// goEnv is the environment of every go command the runner starts: the
// caller's, without what could change what gets built behind the grader's
// back. GOENV=off ignores the user's go env file (a test process could
// have written GOFLAGS=-overlay=... into it), GOFLAGS is emptied and
// GOWORK=off ignores any go.work; every build also passes -mod=readonly,
// so neither vendor/ nor a go.mod the build would rewrite is used.
func goEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "GOFLAGS", "GOENV", "GOWORK":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=", "GOENV=off", "GOWORK=off")
}

// build compiles the suite into binary, under opts.BuildBudget. A compile
// error is not an error of the run: it is returned as the compiler's
// output.
func build(ctx context.Context, opts Options, tmp, binary string) (string, error) {
	args := []string{"test", "-c", "-mod=readonly", "-o", binary}
	if opts.Race {
		args = append(args, "-race")
	}
	if opts.Solution != Learner {
		// The kit's own code (reference, stubs, alternatives, mistakes)
		// is vetted by go vet ./... in CI; without vet and DWARF (no
		// debugger reads these binaries) a build takes about half the
		// CPU, and the self-test makes a hundred of them.
		args = append(args, "-vet=off", "-ldflags=-w")
	}
	overlay, err := overlayFor(opts, tmp)
	if err != nil {
		return "", err
	}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+filepath.ToSlash(opts.Lesson.SpecDir()))
	budget := learnerBuildBudget(opts)
	// Builds take turns, one per core (see package buildslot); the budget
	// counts from the start of this build, not from the wait for its turn.
	free, err := buildslot.Take(ctx)
	if err != nil {
		return "", err
	}
	defer free()
	buildCtx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	// The build runs in a process group of its own, killed as a group: the
	// go command's compilers must not outlive it (a build cancelled because
	// the lesson ended early, or overran), and each one's memory is
	// bounded (a constant or a generic type built to explode at compile
	// time takes every byte of the machine).
	cmd := exec.CommandContext(buildCtx, "go", args...)
	cmd.Dir = opts.Root
	cmd.Env = goEnv()
	cmd.WaitDelay = waitDelay
	cmd.SysProcAttr = ownGroup()
	cmd.Cancel = func() error { killGroup(cmd); return nil }
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err = cmd.Start()
	tooBig := false
	if err == nil {
		confine(cmd, buildMemoryLimit(opts)) // Windows: a job object, each process's memory bounded
		over, stopWatch := watchGroupMemory(cmd.Process.Pid, buildMemoryLimit(opts))
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err = <-exited:
		case <-over:
			tooBig = true
			killGroup(cmd)
			err = <-exited
		}
		stopWatch()
		killGroup(cmd) // a compiler the go command left behind
	}
	out := output.Bytes()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if tooBig {
			return fmt.Sprintf("Building the %s suite took more than %d MiB of memory in one process and was stopped: the compiler "+
				"computes constants and instantiates generic code, and something in your package makes it grow "+
				"without bound (a constant doubled over and over, a generic type or function that instantiates "+
				"itself with ever larger types?).", opts.Lesson.ID, buildMemoryLimit(opts)>>20), nil
		}
		if buildCtx.Err() != nil {
			if opts.Solution == Learner {
				return fmt.Sprintf("Building the %s suite with your package took longer than %v and was stopped: "+
					"something in it makes the compiler work without end (a generic function or type that "+
					"instantiates itself with ever larger types?).", opts.Lesson.ID, budget), nil
			}
			return "", fmt.Errorf("building the %s suite took longer than %v: stopped", opts.Lesson.ID, budget)
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return relativise(opts.Root, strings.TrimSpace(string(out))), nil
		}
		return "", fmt.Errorf("building the %s suite: %w", opts.Lesson.ID, err)
	}
	return "", nil
}

// learnerBuildBudget is the real time a build of the learner's suite may
// take: twice the lesson's budget, at least two minutes (a cold build
// compiles Ginkgo and the standard library for the race detector), at
// most opts.BuildBudget. A package built to keep the compiler busy costs
// a lesson that much, not the build's ten minutes.
func learnerBuildBudget(opts Options) time.Duration {
	if opts.Solution != Learner {
		return opts.BuildBudget
	}
	return min(opts.BuildBudget, max(2*opts.Budget, 2*time.Minute))
}

// buildMemoryLimit bounds the memory of each process of a build (the go
// command, a compiler, the linker): half as much again as a test process
// may use, at least 768 MiB. An honest suite's stay under 400 MiB under
// -race (the linker of the largest, measured).
func buildMemoryLimit(opts Options) int64 { return max(opts.MemoryLimit/2*3, 768<<20) }

// overlayFor writes the go build overlay that swaps the learner's files for
// the chosen solution's, and returns its path ("" when none is needed).
func overlayFor(opts Options, tmp string) (string, error) {
	replace := map[string]string{}
	stubDir := filepath.Join(opts.Root, opts.Lesson.StubDir())
	var from string
	switch opts.Solution {
	case Reference:
		from = filepath.Join(opts.Root, opts.Lesson.ReferenceDir())
	case Stub:
		from = filepath.Join(opts.Root, opts.Lesson.PristineDir())
	}
	if from != "" {
		for _, f := range opts.Lesson.Files() {
			replace[filepath.Join(stubDir, f)] = filepath.Join(from, f)
		}
		// A file the learner added has no counterpart: hide it.
		entries, err := os.ReadDir(stubDir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("reading %s: %w", stubDir, err)
		}
		for _, e := range entries {
			path := filepath.Join(stubDir, e.Name())
			if _, ok := replace[path]; !ok && strings.HasSuffix(e.Name(), ".go") {
				replace[path] = ""
			}
		}
	}
	if opts.TrimSpecs && len(opts.Exercises) > 0 && opts.Solution != Learner {
		hidden, err := otherExercisesSpecFiles(opts)
		if err != nil {
			return "", err
		}
		for _, path := range hidden {
			replace[path] = ""
		}
	}
	for name, content := range opts.Replace {
		path := filepath.Join(tmp, "replace-"+name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return "", fmt.Errorf("writing the overlay for %s: %w", name, err)
		}
		replace[filepath.Join(stubDir, name)] = path
	}
	if len(replace) == 0 {
		return "", nil
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(tmp, "overlay-"+string(opts.Solution)+".json")
	return path, os.WriteFile(path, data, 0o644)
}

// binaryFor says where to build the suite: in the binary cache when the
// run may share it, among the kept builds when the caller keeps them,
// else in the run's private directory. release gives the cache back.
func binaryFor(opts Options, tmp, suffix string) (path string, release func(), err error) {
	private := filepath.Join(tmp, opts.Lesson.ID+suffix+".test")
	keep := cachedBinary
	switch {
	case opts.PrivateBuild:
		return private, func() {}, nil
	case opts.KeepBuilds != "" && opts.Solution != Learner:
		keep = keptBinary
	case len(opts.Replace) > 0 || opts.TrimSpecs: // a one-off build (a mistake), or a part of the suite: never kept
		return private, func() {}, nil
	}
	if path, release, err := keep(opts); err == nil {
		return path, release, nil
	}
	return private, func() {}, nil // no cache, or its lock is held too long: build privately
}

// buildSuite builds the suite into the binary cache when the run may share
// it, else into the run's private directory, and returns the binary and the
// compiler's output (if the build failed). A cached binary is verified by
// hash before use: go test -c keeps the file it finds when that file's
// build ID is current, so a file replaced by something with the same build
// ID would be run. The runner records the hash of every binary it links
// (beside it, in <binary>.sha256); a kept file whose hash is not the
// recorded one is removed and the suite built privately.
func buildSuite(ctx context.Context, opts Options, tmp, suffix string) (binary, output string, release func(), err error) {
	binary, release, err = binaryFor(opts, tmp, suffix)
	if err != nil {
		return "", "", nil, err
	}
	private := filepath.Join(tmp, opts.Lesson.ID+suffix+".test")
	before := hashFile(binary)
	record := binary + ".sha256"
	if recorded, _ := os.ReadFile(record); binary != private && before != "" && string(recorded) != before {
		// Not what was linked here last (replaced, or never recorded):
		// go test -c would keep it if its build ID is current, or refuse
		// to overwrite it if it is no object file at all.
		os.Remove(binary)
		os.Remove(record)
		before = ""
	}
	output, err = build(ctx, opts, tmp, binary)
	if err != nil || output != "" || binary == private {
		return binary, output, release, err
	}
	// Relinked or kept? Only the content says: go touches the modification
	// time of a target it keeps, and may copy a new one over the old inode.
	after := hashFile(binary)
	if after != before || before == "" {
		// Linked just now: this is the binary to remember.
		if err := os.WriteFile(record, []byte(after), 0o600); err != nil {
			release()
			return private, "", func() {}, nil
		}
		return binary, "", release, nil
	}
	if recorded, err := os.ReadFile(record); err == nil && string(recorded) == after && after != "" {
		return binary, "", release, nil
	}
	// Kept, but not what was linked: never run it.
	os.Remove(binary)
	os.Remove(record)
	release()
	output, err = build(ctx, opts, tmp, private)
	return private, output, func() {}, err
}

// hashFile is the SHA-256 of a file's content, "" if it cannot be read.
func hashFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pristineSpecs lists the specs of the suite built with the pristine stubs
// in place of the learner's package: what a run of the learner's code must
// report on.
func pristineSpecs(ctx context.Context, opts Options, tmp string) ([]Spec, string, error) {
	pristine := opts
	pristine.Solution = Stub
	pristine.Replace = nil
	key := pristineKey(pristine)
	if specs, ok := cachedList(pristine, key); ok {
		return specs, "", nil
	}
	binary, out, release, err := buildSuite(ctx, pristine, tmp, "-pristine")
	if err != nil {
		return nil, "", err
	}
	defer release()
	// Neither failure is the learner's code (it is not in this build), but
	// it can be their checkout (an edited go.mod, specs, harness): the
	// lesson did not start, and the tamper check names the files.
	if out != "" {
		return nil, "The suite does not build even with the course's own stubs in place of your package, so its " +
			"specs cannot be listed: something outside solutions/ differs from the course (see the files the " +
			"grader calls tampered, if any).\n" + out, nil
	}
	specs, startError, err := list(ctx, pristine, binary, tmp)
	if startError != "" {
		return nil, "The suite does not list its specs even with the course's own stubs in place of your package: " +
			"something outside solutions/ differs from the course.\n" + startError, nil
	}
	if err == nil {
		keepList(pristine, key, specs)
	}
	return specs, "", err
}

var (
	raceOnce sync.Once
	raceWhy  string
)

// raceUnavailable says, in words, why the race detector cannot be used
// here ("" when it can): it needs cgo, which needs a C compiler.
func raceUnavailable(ctx context.Context, root string) string {
	raceOnce.Do(func() {
		cmd := exec.CommandContext(ctx, "go", "env", "CGO_ENABLED", "CC")
		cmd.Dir = root
		cmd.Env = goEnv()
		out, err := cmd.Output()
		if err != nil {
			return // let the build say what is wrong
		}
		fields := strings.Split(strings.TrimSpace(string(bytes.ReplaceAll(out, []byte("\r"), nil))), "\n")
		if len(fields) < 1 || strings.TrimSpace(fields[0]) != "1" {
			raceWhy = "The race detector is off: it needs cgo, and cgo is disabled here (CGO_ENABLED=0). " +
				"Specs ran without it, so a data race in your code can go unnoticed. To turn it on, " +
				"install a C compiler (gcc or clang) and make sure CGO_ENABLED is not set to 0."
			return
		}
		cc := "gcc"
		if len(fields) > 1 && strings.TrimSpace(fields[1]) != "" {
			cc = strings.Fields(fields[1])[0]
		}
		if _, err := exec.LookPath(cc); err != nil {
			raceWhy = fmt.Sprintf("The race detector is off: it needs a C compiler, and %q was not found. "+
				"Specs ran without it, so a data race in your code can go unnoticed. To turn it on, "+
				"install a C compiler (gcc or clang).", cc)
		}
	})
	return raceWhy
}

// Fuzz runs one fuzz target of the lesson's suite against opts.Solution for
// the given number of inputs. A failure is returned with the fuzzer's
// report, which names the failing input saved under the suite's
// testdata/fuzz.
//
// The run is bounded by a count, not a duration: with -fuzztime 5s, Go 1.26's
// fuzzing coordinator can report its own deadline as the target's failure
// ("context deadline exceeded", no input saved) when a loaded machine keeps
// a worker from answering in time (go.dev/issue/75804). A count has no
// deadline to race. Fuzzing keeps every core busy: it takes a build slot.
func Fuzz(ctx context.Context, opts Options, target string, inputs int) error {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return err
	}
	opts.Root = root
	tmp, err := os.MkdirTemp("", "autoroute-fuzz-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	overlay, err := overlayFor(opts, tmp)
	if err != nil {
		return err
	}
	args := []string{"test", "-mod=readonly", "-run", "^$", "-fuzz", "^" + regexp.QuoteMeta(target) + "$", "-fuzztime", strconv.Itoa(inputs) + "x"}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+filepath.ToSlash(opts.Lesson.SpecDir()))
	free, err := buildslot.Take(ctx)
	if err != nil {
		return err
	}
	defer free()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.Root
	cmd.Env = goEnv()
	cmd.WaitDelay = waitDelay
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fuzzing %s of lesson %s: %w\n%s", target, opts.Lesson.ID, err, tail(relativise(opts.Root, string(out)), 40))
	}
	return nil
}

// absRoot is the module root as an absolute path, as Run keeps it.
func absRoot(root string) (string, error) { return filepath.Abs(root) }
