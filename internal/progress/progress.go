// Package progress remembers what the learner's last checks found and which
// hints they have seen, in .autoroute/ at the module root. It is written by
// the tool from results, never edited by hand: the course map shows what the
// specs said, and marks a lesson whose files changed since.
package progress

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"autoroute/internal/course"
	"autoroute/internal/runner"
)

// Dir is the folder, under the module root, where progress is kept, unless
// the environment variable StateEnv names another.
const Dir = ".autoroute"

// StateEnv names a folder to keep progress in instead of Dir (the CLI's
// own tests use it, to leave a learner's progress alone).
const StateEnv = "AUTOROUTE_STATE"

// Store is the learner's progress.
type Store struct {
	Lessons map[string]*Lesson `json:"lessons"`
	Hints   map[string]int     `json:"hints"` // "lesson/exercise" -> hints shown so far

	path string
}

// Lesson is what the last check of a lesson found.
type Lesson struct {
	CheckedAt  time.Time         `json:"checked_at"`
	Solution   string            `json:"solution_hash"` // hash of the learner's files when checked
	BuildError bool              `json:"build_error,omitempty"`
	Exercises  map[string]Counts `json:"exercises"`
}

// Counts is how many of an exercise's specs passed.
type Counts struct {
	Passed int `json:"passed"`
	Total  int `json:"total"`
}

// Done reports whether every spec passed.
func (c Counts) Done() bool { return c.Total > 0 && c.Passed == c.Total }

// Load reads the store under root; a missing store is an empty one. A
// store that cannot be read is an error, never silently dropped.
func Load(root string) (*Store, error) {
	dir := filepath.Join(root, Dir)
	if env := os.Getenv(StateEnv); env != "" {
		dir = env
	}
	s := &Store{Lessons: map[string]*Lesson{}, Hints: map[string]int{}, path: filepath.Join(dir, "progress.json")}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading progress: %w", err)
	}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("reading progress from %s (delete it to start afresh): %w", s.path, err)
	}
	if s.Lessons == nil {
		s.Lessons = map[string]*Lesson{}
	}
	if s.Hints == nil {
		s.Hints = map[string]int{}
	}
	return s, nil
}

// Save writes the store, atomically.
func (s *Store) Save() error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	return os.Rename(tmp, s.path)
}

// Record keeps what a check of the learner's solution found.
func (s *Store) Record(root string, l *course.Lesson, r *runner.Result) error {
	hash, err := SolutionHash(root, l)
	if err != nil {
		return err
	}
	entry := &Lesson{CheckedAt: time.Now().UTC(), Solution: hash, BuildError: r.BuildError != "", Exercises: map[string]Counts{}}
	for _, e := range l.Exercises {
		entry.Exercises[e.ID] = Counts{}
	}
	for _, spec := range r.Specs {
		c := entry.Exercises[spec.Exercise]
		c.Total++
		if spec.Status == runner.Passed {
			c.Passed++
		}
		entry.Exercises[spec.Exercise] = c
	}
	s.Lessons[l.ID] = entry
	return nil
}

// Stale reports whether the learner's files changed since the lesson was
// last checked.
func (s *Store) Stale(root string, l *course.Lesson) bool {
	entry, ok := s.Lessons[l.ID]
	if !ok {
		return false
	}
	hash, err := SolutionHash(root, l)
	return err != nil || hash != entry.Solution
}

// SolutionHash fingerprints the learner's Go files of a lesson.
func SolutionHash(root string, l *course.Lesson) (string, error) {
	dir := filepath.Join(root, l.StubDir())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".go" {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
