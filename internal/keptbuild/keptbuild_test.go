package keptbuild

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The same parts give the same name; any other part, or the same bytes cut
// into other parts, another one.
func TestNameIsMadeOfEveryPart(t *testing.T) {
	base := Name("spawn", []byte("task.go"), []byte("package task"))
	if again := Name("spawn", []byte("task.go"), []byte("package task")); again != base {
		t.Errorf("the same parts gave %q, then %q", base, again)
	}
	for what, other := range map[string]string{
		"another prefix":  Name("await", []byte("task.go"), []byte("package task")),
		"another content": Name("spawn", []byte("task.go"), []byte("package task // changed")),
		"parts cut else":  Name("spawn", []byte("task.gopackage"), []byte(" task")),
		"a part more":     Name("spawn", []byte("task.go"), []byte("package task"), nil),
	} {
		if other == base {
			t.Errorf("%s gave the same name %q", what, base)
		}
	}
	if filepath.Ext(base) != ".test" || filepath.Base(base) != base {
		t.Errorf("Name gave %q, want a file name ending in .test", base)
	}
}

// A module's directory says which module it is for; a module seen for the
// first time sweeps away the directories of modules that are gone, and old
// ones that do not say, and nothing else.
func TestDirForgetsModulesThatAreGone(t *testing.T) {
	base := t.TempDir()
	modules := t.TempDir()
	mkdir := func(path string) string {
		t.Helper()
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	kept := func(root string) string {
		t.Helper()
		dir, err := dirIn(base, root, "")
		if err != nil {
			t.Fatalf("dirIn(%q): %v", root, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "lesson-learner.test"), []byte("binary"), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	stays := kept(mkdir(filepath.Join(modules, "stays")))
	goes := kept(mkdir(filepath.Join(modules, "goes")))
	if err := os.RemoveAll(filepath.Join(modules, "goes")); err != nil {
		t.Fatal(err)
	}
	recentLegacy := mkdir(filepath.Join(base, "0123456789ab"))
	oldLegacy := mkdir(filepath.Join(base, "ba9876543210"))
	long := time.Now().Add(-legacyAge - time.Hour)
	if err := os.Chtimes(oldLegacy, long, long); err != nil {
		t.Fatal(err)
	}
	shared := mkdir(filepath.Join(base, "selftest"))
	if err := os.Chtimes(shared, long, long); err != nil {
		t.Fatal(err)
	}

	again, err := dirIn(base, filepath.Join(modules, "stays"), "")
	if err != nil || again != stays {
		t.Fatalf("dirIn for a module seen before: %q, %v; want %q", again, err, stays)
	}
	if _, err := os.Stat(goes); err != nil {
		t.Fatalf("a module seen before swept the others (%v): only a new one does", err)
	}

	kept(mkdir(filepath.Join(modules, "new")))
	for _, gone := range []string{goes, oldLegacy} {
		if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (%v), want it swept", gone, err)
		}
	}
	for _, stay := range []string{stays, filepath.Join(stays, "lesson-learner.test"), recentLegacy, shared} {
		if _, err := os.Stat(stay); err != nil {
			t.Errorf("%s was swept (%v), want it kept", stay, err)
		}
	}
}
