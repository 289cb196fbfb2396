package keptbuild

import (
	"path/filepath"
	"testing"
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
