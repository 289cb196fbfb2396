package harness

import (
	"context"
	"strings"
	"testing"
	"time"
)

//go:noinline
func parkHere(ch chan struct{}) { <-ch }

func TestBlockedInWaitsForTheGoroutinesToBlockInTheFrame(t *testing.T) {
	ch := make(chan struct{})
	defer close(ch)
	for range 2 {
		go parkHere(ch)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net: two goroutines block at once
	defer cancel()
	if err := BlockedIn("autoroute/internal/harness", 2, "parkHere")(ctx); err != nil {
		t.Fatal(err)
	}

	// Three never block there: the wait ends with ctx, saying what it saw.
	short, cancel := context.WithCancel(context.Background())
	cancel()
	err := BlockedIn("autoroute/internal/harness", 3, "parkHere")(short)
	if err == nil || !strings.Contains(err.Error(), "2 goroutine(s) were blocked in autoroute/internal/harness.parkHere") ||
		!strings.Contains(err.Error(), "[chan receive]: autoroute/internal/harness.parkHere") {
		t.Errorf("BlockedIn(3) = %v", err)
	}
	err = BlockedIn("autoroute/internal/harness/nothing", 1, "")(short)
	if err == nil || !strings.Contains(err.Error(), "the goroutines autoroute/internal/harness/nothing started") {
		t.Errorf("BlockedIn with no frame = %v", err)
	}
}

func TestBlockedIsWaitingForAnotherGoroutine(t *testing.T) {
	for state, want := range map[string]bool{
		"chan receive": true, "chan send, 2 minutes": true, "select": true, "sync.WaitGroup.Wait": true,
		"sync.Mutex.Lock": true, "sync.RWMutex.RLock": true, "sync.Cond.Wait": true,
		"running": false, "runnable": false, "sleep": false, "semacquire": false, "IO wait": false,
	} {
		if Blocked(state) != want {
			t.Errorf("Blocked(%q) = %v, want %v", state, !want, want)
		}
	}
}
