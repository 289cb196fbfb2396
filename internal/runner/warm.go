package runner

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"autoroute/internal/course"
)

// Warm compiles into the build cache, once, every package the lessons'
// suites import (the standard library's, Ginkgo's, Gomega's, the fakes',
// the harness's; not the learner's, not the specs), without and, when
// race is set and the race detector can be used, with it. A caller about to build many suites
// side by side calls it first: from a cold cache, each of the concurrent
// go commands would otherwise compile those packages again for itself,
// none of them knowing another is at it. (The self-test from an empty
// GOCACHE took twice the CPU of a warm one.) Warm on a warm cache costs a
// go list and two quick go builds.
func Warm(ctx context.Context, root string, lessons []*course.Lesson, race bool) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	args := []string{"list", "-e", "-mod=readonly", "-deps", "-test",
		"-f", `{{if and (not .ForTest) (ne .Name "main") .GoFiles}}{{.ImportPath}}{{end}}`}
	for _, l := range lessons {
		args = append(args, "./"+filepath.ToSlash(l.SpecDir()))
	}
	listed, err := goCommand(ctx, root, args...)
	if err != nil {
		return err
	}
	var packages []string
	for _, p := range strings.Fields(listed) {
		if !strings.HasPrefix(p, "autoroute/solutions/") { // the learner's: every build overlays it
			packages = append(packages, p)
		}
	}
	if _, err := goCommand(ctx, root, append([]string{"build", "-mod=readonly"}, packages...)...); err != nil {
		return err
	}
	if !race || raceUnavailable(ctx, root) != "" {
		return nil
	}
	// -race adds runtime/race to every build, which no import names.
	_, err = goCommand(ctx, root, append([]string{"build", "-mod=readonly", "-race", "runtime/race"}, packages...)...)
	return err
}

// goCommand runs the go command in root, in the runner's environment, and
// returns its standard output.
func goCommand(ctx context.Context, root string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = goEnv()
	cmd.WaitDelay = waitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", args[0], err, tail(relativise(root, stderr.String()), 20))
	}
	return stdout.String(), nil
}
