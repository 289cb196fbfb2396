package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
	"autoroute/internal/watch"
)

const quiet = 300 * time.Millisecond

// start watches a new folder on a fake clock and returns it with the
// channel of reported changes.
func start(t *testing.T) (string, *clock.Fake, <-chan []string) {
	t.Helper()
	dir := t.TempDir()
	clk := clock.NewFake()
	changes := make(chan []string, 10)
	w, err := watch.New(clk, quiet, dir)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- w.Run(ctx, func(files []string) { changes <- files })
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return dir, clk, changes
}

// settle waits for the watcher to arm its quiet-period timer, then lets
// the period pass on the fake clock.
func settle(t *testing.T, clk *clock.Fake, period time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, clk.WaitForTimer(ctx, quiet), "the watcher never armed its quiet period after a save")
	clk.Advance(period)
}

// settleUntilChange lets quiet periods pass until a change is reported: one
// write makes several events (create, write), and an event that arrives
// after an Advance re-arms the quiet period.
func settleUntilChange(t *testing.T, clk *clock.Fake, changes <-chan []string) []string {
	t.Helper()
	budget, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ctx, stop := context.WithCancel(budget)
		armed := make(chan error, 1)
		go func() { armed <- clk.WaitForTimer(ctx, quiet) }()
		select {
		case files := <-changes:
			stop()
			return files
		case err := <-armed:
			stop()
			require.NoError(t, err, "the watcher never armed its quiet period after a save")
			clk.Advance(quiet)
		}
	}
}

func receive(t *testing.T, changes <-chan []string) []string {
	t.Helper()
	select {
	case files := <-changes:
		return files
	case <-time.After(5 * time.Second):
		t.Fatal("no change was reported")
		return nil
	}
}

// renameSave saves name the way many editors do: write a temporary file,
// then rename it over the original. The rename is one event.
func renameSave(t *testing.T, dir, name string) string {
	t.Helper()
	tmp := filepath.Join(dir, name+".tmp")
	require.NoError(t, os.WriteFile(tmp, []byte("package x\n"), 0o644))
	target := filepath.Join(dir, name)
	require.NoError(t, os.Rename(tmp, target))
	return target
}

func TestAWriteIsReported(t *testing.T) {
	dir, clk, changes := start(t)
	file := filepath.Join(dir, "hello.go")
	require.NoError(t, os.WriteFile(file, []byte("package x\n"), 0o644))
	assert.Equal(t, []string{file}, settleUntilChange(t, clk, changes))
}

func TestARenameSaveIsReportedOnceTheQuietPeriodPassed(t *testing.T) {
	dir, clk, changes := start(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not Go"), 0o644))
	file := renameSave(t, dir, "lanes.go")

	settle(t, clk, quiet-time.Nanosecond)
	assert.Empty(t, changes, "reported before the quiet period passed")
	clk.Advance(time.Nanosecond)
	assert.Equal(t, []string{file}, receive(t, changes), "only the Go file, once")
}

func TestSavesInOnePeriodAreReportedTogether(t *testing.T) {
	dir, clk, changes := start(t)
	a := renameSave(t, dir, "a.go")
	settle(t, clk, quiet/2)
	b := renameSave(t, dir, "b.go")
	// The second save re-arms the quiet period from its own instant.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, clk.WaitUntil(ctx, "the quiet period re-armed by the second save", func(ps []clock.Pending) bool {
		return len(ps) == 1 && ps[0].Deadline.Equal(clock.Epoch.Add(quiet/2+quiet))
	}))
	clk.Advance(quiet)
	assert.Equal(t, []string{a, b}, receive(t, changes))
}
