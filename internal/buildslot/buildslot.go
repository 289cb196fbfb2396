// Package buildslot bounds how many suites one process builds at once.
//
// Building a suite (go test -c) is CPU work; running one mostly waits, and
// waits long when the code under test hangs (a spec's budget is real time).
// A caller that runs many suites side by side, as the self-test does, can
// start more of them than the machine has cores: their builds take turns
// here, one per core, while their runs overlap freely.
package buildslot

import (
	"context"
	"runtime"
)

var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

// Take waits for a free slot, or for ctx to end, and returns the function
// that gives the slot back.
func Take(ctx context.Context) (release func(), err error) {
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
