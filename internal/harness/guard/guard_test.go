package guard

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestAStepThatReturnsIsWaitedFor(t *testing.T) {
	ran := false
	o := Run(context.Background(), func(context.Context) { ran = true }, time.Now().Add(time.Minute), time.Second, func(int) {
		t.Error("stuck called for a step that returned")
	})
	if !ran || !o.Returned || o.Abandoned || o.Panic != nil {
		t.Errorf("outcome %+v, ran %v", o, ran)
	}
}

func TestAPanicIsCaughtWithItsStack(t *testing.T) {
	o := Run(context.Background(), func(context.Context) { panic("boom") }, time.Now().Add(time.Minute), time.Second, func(int) {})
	if o.Panic != "boom" || o.Returned || o.Stack == "" {
		t.Errorf("outcome %+v", o)
	}
}

func TestGoexitIsNotAReturn(t *testing.T) {
	o := Run(context.Background(), func(context.Context) { runtime.Goexit() }, time.Now().Add(time.Minute), time.Second, func(int) {})
	if !o.Goexit || o.Returned {
		t.Errorf("outcome %+v", o)
	}
}

func TestABlockedStepIsReportedThenCancelled(t *testing.T) {
	var stuck int
	o := Run(context.Background(), func(ctx context.Context) { <-ctx.Done() }, time.Now(), time.Minute, func(g int) { stuck = g })
	if !o.Abandoned || !o.Returned || stuck == 0 || stuck != o.Goroutine {
		t.Errorf("outcome %+v, stuck %d", o, stuck)
	}
}

func TestAStepThatIgnoresItsContextIsAbandoned(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	o := Run(context.Background(), func(context.Context) { <-release }, time.Now(), time.Millisecond, func(int) {})
	if !o.Abandoned || o.Returned {
		t.Errorf("outcome %+v", o)
	}
}
