package buildslot

import (
	"context"
	"runtime"
	"testing"
)

// One slot per CPU: past them, Take waits for a slot given back, or gives
// up with its context.
func TestTakeWaitsForAFreeSlotOrItsContext(t *testing.T) {
	var releases []func()
	for range runtime.GOMAXPROCS(0) {
		release, err := Take(context.Background())
		if err != nil {
			t.Fatalf("Take with a slot free: %v", err)
		}
		releases = append(releases, release)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Take(ctx); err != context.Canceled {
		t.Fatalf("Take with every slot taken and its context cancelled returned %v, want context.Canceled", err)
	}

	got := make(chan func())
	go func() {
		release, err := Take(context.Background())
		if err != nil {
			t.Errorf("Take once a slot is back: %v", err)
		}
		got <- release
	}()
	releases[0]() // the waiting Take gets this slot
	releases[0] = <-got
	for _, release := range releases {
		release()
	}
	if len(slots) != 0 {
		t.Fatalf("%d slots still taken after every release", len(slots))
	}
}
