package grader

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"autoroute/internal/course"
)

// Sums maps each protected file (a slash path from the module root) to the
// SHA-256 of its content. Line endings are normalised first, so a checkout
// with CRLF endings is not taken for tampering.
type Sums map[string]string

// The files a grade depends on and a learner has no reason to edit: the
// manifest, the module's requirements (a replace directive could swap
// Ginkgo for a patched copy), the fakes, the spec harness and its protocol,
// the workflow that runs the grader, the specs themselves, and the lessons'
// pristine stubs (lessons/NN-x/stub/: the suite built with them lists the
// specs a run must report on; an edited stub could hide some). A learner
// has no reason to add a go.work or a vendor/ directory either: the grader
// builds without them (GOWORK=off, -mod=readonly), and reports them anyway.
var (
	sharedFiles = []string{course.ManifestPath, "go.mod", "go.sum"}
	sharedDirs  = []string{"fakes", "internal/harness", "internal/wire", ".github/workflows"}
	specsDir    = "specs"
	// forbidden are paths that must not exist at all.
	forbidden = []string{"go.work", "go.work.sum", "vendor"}
)

//go:embed pristine.sum
var pristine []byte

// Pristine returns the checksums of the course as it was published, built
// into the grader by `go run ./cmd/autoroute generate`.
func Pristine() (Sums, error) { return ParseSums(pristine) }

// ComputeSums hashes the protected files under root as they are now.
func ComputeSums(root string) (Sums, error) {
	sums := Sums{}
	for _, f := range sharedFiles {
		if _, err := os.Stat(filepath.Join(root, f)); errors.Is(err, fs.ErrNotExist) && f != course.ManifestPath {
			continue // a course without it (the grader's fixtures live in the kit's module)
		}
		if err := sums.add(root, f); err != nil {
			return nil, err
		}
	}
	for _, f := range forbidden {
		if _, err := os.Lstat(filepath.Join(root, f)); err == nil {
			sums[f] = "present"
		}
	}
	// The lessons' pristine stubs: the grader builds the suite with them
	// to list the specs a run must report on.
	stubs, err := filepath.Glob(filepath.Join(root, "lessons", "*", "stub"))
	if err != nil {
		return nil, err
	}
	for i, s := range stubs {
		stubs[i], _ = filepath.Rel(root, s)
	}
	for _, dir := range append(append(slices.Clone(sharedDirs), specsDir), stubs...) {
		if _, err := os.Stat(filepath.Join(root, dir)); errors.Is(err, fs.ErrNotExist) {
			continue // a course without it (the grader's fixtures)
		}
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			return sums.add(root, filepath.ToSlash(rel))
		})
		if err != nil {
			return nil, fmt.Errorf("hashing %s: %w", dir, err)
		}
	}
	return sums, nil
}

func (s Sums) add(root, rel string) error {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		// A file that cannot be read (a dangling link, say) differs from
		// the published one: it is reported, never a reason to stop.
		s[rel] = "unreadable"
		return nil
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	sum := sha256.Sum256(data)
	s[rel] = hex.EncodeToString(sum[:])
	return nil
}

// Changed lists the protected files that lesson l depends on and that
// differ from s under root: edited, removed or added.
func (s Sums) Changed(root string, l *course.Lesson) ([]string, error) {
	now, err := ComputeSums(root)
	if err != nil {
		return nil, err
	}
	inScope := func(path string) bool {
		if slices.Contains(sharedFiles, path) || slices.Contains(forbidden, path) || strings.HasPrefix(path, specsDir+"/"+l.ID+"/") ||
			strings.HasPrefix(path, filepath.ToSlash(l.PristineDir())+"/") {
			return true
		}
		for _, dir := range sharedDirs {
			if strings.HasPrefix(path, dir+"/") {
				return true
			}
		}
		return false
	}
	var changed []string
	for path, sum := range s {
		if !inScope(path) {
			continue
		}
		switch got, ok := now[path]; {
		case !ok:
			changed = append(changed, path+" (removed)")
		case got != sum:
			changed = append(changed, path+" (edited)")
		}
	}
	for path := range now {
		if _, ok := s[path]; !ok && inScope(path) && !fuzzFinding(path) {
			changed = append(changed, path+" (added)")
		}
	}
	slices.Sort(changed)
	return changed, nil
}

// fuzzFinding reports whether path is an input that go test -fuzz saved
// after it made a spec fail (specs/<lesson>/testdata/fuzz/<Target>/<file>):
// a learner who fuzzes their own code has tampered with nothing. Editing or
// removing the published seed inputs still counts.
func fuzzFinding(path string) bool {
	parts := strings.Split(path, "/")
	return len(parts) == 6 && parts[0] == specsDir && parts[2] == "testdata" && parts[3] == "fuzz"
}

// Format renders s in the format of sha256sum, sorted by path.
func (s Sums) Format() []byte {
	var b bytes.Buffer
	for _, path := range slices.Sorted(maps.Keys(s)) {
		if len(s[path]) != sha256.Size*2 {
			continue // a path that must not exist ("present"): never pristine
		}
		fmt.Fprintf(&b, "%s  %s\n", s[path], path)
	}
	return b.Bytes()
}

// ParseSums reads the format Format writes.
func ParseSums(data []byte) (Sums, error) {
	s := Sums{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		sum, path, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != sha256.Size*2 || path == "" {
			return nil, fmt.Errorf("pristine.sum:%d: want \"<sha256>  <path>\", got %q", n, line)
		}
		s[path] = sum
	}
	if len(s) == 0 {
		return nil, errors.New("pristine.sum is empty: run go run ./cmd/autoroute generate")
	}
	return s, sc.Err()
}
