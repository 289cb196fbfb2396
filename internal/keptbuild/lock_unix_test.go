//go:build unix

package keptbuild

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLockIsExclusiveAndBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suite.test")
	release, err := Lock(path, time.Second)
	if err != nil {
		t.Fatalf("Lock on a free binary: %v", err)
	}
	if _, err := Lock(path, 0); !errors.Is(err, ErrLocked) {
		t.Errorf("Lock(0) on a held binary returned %v, want ErrLocked", err)
	}
	// A bounded wait on a lock that stays held gives up; the bound is a
	// real-time one, kept short: nothing releases the lock meanwhile.
	if _, err := Lock(path, 10*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("Lock(10ms) on a held binary returned %v, want ErrLocked", err)
	}

	// A waiter gets the lock as soon as it is released.
	got := make(chan error, 1)
	go func() {
		again, err := Lock(path, time.Minute) // a safety bound: released below
		if err == nil {
			again()
		}
		got <- err
	}()
	release()
	if err := <-got; err != nil {
		t.Errorf("Lock after release: %v", err)
	}
}

// Prune removes the binaries (and the files beside them) last touched
// before the time it is given, and keeps the recent ones and those in use.
func TestPruneRemovesWhatARunDidNotUse(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, age time.Duration) string {
		path := filepath.Join(dir, name)
		for _, f := range []string{path, path + ".sha256"} {
			if err := os.WriteFile(f, []byte(name), 0o600); err != nil {
				t.Fatal(err)
			}
			when := time.Now().Add(-age)
			if err := os.Chtimes(f, when, when); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
	stale := write("stale.test", time.Hour)
	busy := write("busy.test", time.Hour)
	fresh := write("fresh.test", 0)
	other := write("notes.txt", time.Hour)
	release, err := Lock(busy, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	if err := Prune(dir, time.Now().Add(-time.Minute)); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	for _, f := range []string{stale, stale + ".sha256", stale + ".lock"} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (%v), want it removed", filepath.Base(f), err)
		}
	}
	for _, f := range []string{busy, busy + ".sha256", fresh, fresh + ".sha256", other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed (%v), want it kept", filepath.Base(f), err)
		}
	}
}
