package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"autoroute/internal/grader"
)

// runTemplate writes a student template of the course: what a learner's
// repository starts from in a classroom. It ships no answers (no reference
// or alternative solutions, so the solution command has nothing to show),
// its solutions/ are the pristine stubs, and its workflow does not grade
// the learner's repository as it stands: it checks out the teacher's grader
// at a pinned commit, copies the learner's solutions/ into it, and grades
// there, so nothing else a learner edits takes part in the grade.
func runTemplate(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(a.out)
	repo := fs.String("grader-repo", "", "the teacher's grader repository, OWNER/NAME (required)")
	ref := fs.String("grader-ref", "", "the grader's commit, a full 40-character SHA (required: a branch or tag could move)")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		return usagef("template takes one directory: autoroute template <dir> --grader-repo OWNER/NAME --grader-ref SHA")
	}
	if !regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$`).MatchString(*repo) {
		return usagef("--grader-repo wants OWNER/NAME, the repository holding your copy of the course with its references, got %q", *repo)
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(*ref) {
		return usagef("--grader-ref wants a full commit SHA (40 hex digits): a branch or tag can be moved, a commit cannot; got %q", *ref)
	}
	dir, err := filepath.Abs(dirs[0])
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usagef("%s is not empty: the template goes into a new directory", dir)
	}
	root, err := filepath.Abs(a.root)
	if err != nil {
		return err
	}
	if strings.HasPrefix(dir+string(filepath.Separator), root+string(filepath.Separator)) {
		return usagef("%s is inside the course: write the template somewhere else", dir)
	}
	if err := copyCourse(a, root, dir); err != nil {
		return err
	}
	workflow := strings.NewReplacer("{{repository}}", *repo, "{{ref}}", *ref).Replace(studentWorkflow)
	if err := writeFile(filepath.Join(dir, ".github", "workflows", "grade.yml"), []byte(workflow)); err != nil {
		return err
	}
	// The template's own checksums, so that a learner's local grade does
	// not call the template's workflow tampering.
	sums, err := grader.ComputeSums(dir)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "internal", "grader", "pristine.sum"), sums.Format()); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Wrote a student template in %s:\n", dir)
	fmt.Fprintln(a.out, "  - no reference or alternative solutions: the solution command has nothing to reveal;")
	fmt.Fprintln(a.out, "  - solutions/ holds the untouched stubs;")
	fmt.Fprintf(a.out, "  - .github/workflows/grade.yml grades with %s at %s, on the learner's solutions/ only.\n", *repo, *ref)
	fmt.Fprintln(a.out, "Push it as a template repository and create the Classroom assignment from it. If the grader")
	fmt.Fprintln(a.out, "repository is private, give the organisation a secret AUTOROUTE_GRADER_TOKEN that can read it.")
	return nil
}

// copyCourse copies the course at root into dir, without the answers, the
// version control, the learner's progress, or the benchmarks; solutions/
// gets the pristine stubs.
func copyCourse(a *app, root, dir string) error {
	answers := map[string]bool{}
	for _, l := range a.course.Lessons {
		answers[filepath.Join(root, l.ReferenceDir())] = true
		answers[filepath.Join(root, "lessons", l.Dir, "alternatives")] = true
	}
	tracked := trackedFiles(root) // nil outside a git checkout: every file is copied
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case rel == ".git" || rel == ".autoroute" || rel == "bench" || rel == "solutions" || answers[path]:
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if !d.Type().IsRegular() || (tracked != nil && !tracked[filepath.ToSlash(rel)]) {
			return nil // build output, editor files: not the course
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, info.Mode().Perm()|0o200) // .ci/run stays executable
	})
	if err != nil {
		return fmt.Errorf("writing the template: %w", err)
	}
	for _, l := range a.course.Lessons {
		from, to := filepath.Join(root, l.PristineDir()), filepath.Join(dir, l.StubDir())
		if err := os.MkdirAll(to, 0o755); err != nil {
			return err
		}
		entries, err := os.ReadDir(from)
		if err != nil {
			return fmt.Errorf("writing the template: %w", err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(from, e.Name()))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// trackedFiles lists the files git tracks under root (slash paths), or nil
// when that cannot be known.
func trackedFiles(root string) map[string]bool {
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	files := map[string]bool{}
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files[f] = true
		}
	}
	return files
}

// studentWorkflow grades a learner's repository with the teacher's grader:
// the learner's checkout provides solutions/ and nothing else.
const studentWorkflow = `# Grades this repository on every push with the teacher's grader, pinned to
# one commit: only solutions/ is taken from here; the specs, the fakes, the
# harness, go.mod and the grader itself come from the teacher's repository.
# Written by "autoroute template". The check run must be named
# "Autograding Tests" for GitHub Classroom.
name: Autograding Tests

on:
  push:
  workflow_dispatch:
  repository_dispatch:

permissions:
  contents: read

jobs:
  autograding:
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
    env:
      # The lessons this assignment grades, space-separated (empty: all).
      # A lesson is worth the sum of its exercises' points (list shows them):
      # the Classroom score is out of the graded lessons' total.
      AUTOROUTE_LESSONS: ""
    steps:
      - name: Check out the learner's code
        uses: actions/checkout@v4
        with:
          path: learner

      - name: Check out the teacher's grader, pinned
        uses: actions/checkout@v4
        with:
          repository: {{repository}}
          ref: {{ref}}
          path: grader
          token: ${{ secrets.AUTOROUTE_GRADER_TOKEN || github.token }}
          persist-credentials: false

      - name: Set up Go
        uses: actions/setup-go@v5
        with:
          go-version-file: grader/go.mod
          cache-dependency-path: grader/go.sum

      - name: Take the learner's solutions, and nothing else
        run: |
          rm -rf grader/solutions
          mkdir grader/solutions
          # Regular files only: a symbolic link could point anywhere.
          (cd learner/solutions && find . -type f -print0) | while IFS= read -r -d '' f; do
            mkdir -p "grader/solutions/$(dirname "$f")"
            cp "learner/solutions/$f" "grader/solutions/$f"
          done

      - name: Grade
        working-directory: grader
        run: |
          go tool autoroute grade $AUTOROUTE_LESSONS \
            --report junit=autoroute-junit.xml \
            --report markdown="$GITHUB_STEP_SUMMARY" \
            --report json=autoroute.json \
            --report classroom=autoroute-classroom.txt

      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: autoroute-reports
          path: |
            grader/autoroute-junit.xml
            grader/autoroute.json

      # Classroom reads the score from two annotations grade wrote ("Points
      # S/M" and its JSON twin), below the total in words: the log shows one
      # score, the one sent. A lesson that could not be graded adds an
      # ::error line, and this step fails on it.
      - name: Report to GitHub Classroom
        if: always() && hashFiles('grader/autoroute-classroom.txt') != ''
        working-directory: grader
        run: |
          cat autoroute-classroom.txt
          if grep -q '^::error' autoroute-classroom.txt; then exit 1; fi
`
