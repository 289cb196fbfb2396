package guard

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestAWatchStoppedInTimeNeverFires(t *testing.T) {
	var fired atomic.Bool
	stop := Watch(time.Now().Add(time.Hour), func() { fired.Store(true) })
	stop()
	if fired.Load() {
		t.Error("fired after stop")
	}
}

func TestAWatchPastItsDeadlineFiresOnce(t *testing.T) {
	fired := make(chan int, 2)
	stop := Watch(time.Now(), func() { fired <- 1 })
	<-fired
	stop() // returns: the watch is over
	if len(fired) != 0 {
		t.Error("fired twice")
	}
}

func TestGoroutineNamesTheCaller(t *testing.T) {
	mine := Goroutine()
	other := make(chan int)
	go func() { other <- Goroutine() }()
	if g := <-other; mine <= 0 || g <= 0 || g == mine {
		t.Errorf("mine %d, other %d", mine, g)
	}
}
