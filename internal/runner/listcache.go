package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The pristine suite's spec list depends only on the course's own files:
// the lesson's specs and pristine stubs, the harness and its protocol, the
// fakes, the module's requirements. It is kept between runs under the hash
// of all of them, so a grade builds the pristine suite once per course
// version, not once per run. Like the Go build cache, it lives in the
// user's cache directory, which learner code cannot write to (it opens no
// file: see package allowlist).

// pristineKey hashes every file the pristine suite is built from, and the
// label filter; "" when one cannot be read.
func pristineKey(opts Options) string {
	h := sha256.New()
	h.Write([]byte(opts.Lesson.ID + "\x00" + opts.labelFilterValue() + "\x00" + opts.focusPattern() + "\x00" + strings.Join(opts.Lesson.Files(), ",") + "\x00"))
	var files []string
	for _, dir := range []string{opts.Lesson.SpecDir(), opts.Lesson.PristineDir(), "internal/harness", "internal/wire", "fakes"} {
		filepath.WalkDir(filepath.Join(opts.Root, dir), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
	}
	files = append(files, filepath.Join(opts.Root, "go.mod"), filepath.Join(opts.Root, "go.sum"))
	slices.Sort(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			if f == filepath.Join(opts.Root, "go.sum") {
				continue // a module without requirements
			}
			return ""
		}
		rel, _ := filepath.Rel(opts.Root, f)
		sum := sha256.Sum256(data)
		h.Write([]byte(filepath.ToSlash(rel) + "\x00" + hex.EncodeToString(sum[:]) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func listPath(opts Options, key string) string {
	base, err := os.UserCacheDir()
	if err != nil || key == "" {
		return ""
	}
	return filepath.Join(base, "autoroute", "specs", key+".json")
}

// cachedList returns the spec list kept under key, if any.
func cachedList(opts Options, key string) ([]Spec, bool) {
	path := listPath(opts, key)
	if path == "" {
		return nil, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var specs []Spec
	if err := json.Unmarshal(data, &specs); err != nil || len(specs) == 0 {
		return nil, false
	}
	return specs, true
}

// keepList keeps specs under key, for the next run.
func keepList(opts Options, key string, specs []Spec) {
	path := listPath(opts, key)
	if path == "" || len(specs) == 0 {
		return
	}
	data, err := json.Marshal(specs)
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp := path + ".tmp-" + newNonce()
	if os.WriteFile(tmp, data, 0o600) == nil {
		os.Rename(tmp, path) // atomic: a concurrent reader sees the old list or the new
	}
}
