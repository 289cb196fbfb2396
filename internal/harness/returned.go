package harness

// A spec that waits in vain while no goroutine of the learner's is stuck:
// the learner's code returned without doing what the spec waited for. The
// report then names the learner's functions the spec called (through Go
// and Do) that returned, at the lines where the code that ran declares
// them (package hangreport reads them from the test binary's symbol table,
// which knows the files the runner swapped in).

import (
	"fmt"
	"os"
	"sync"

	"autoroute/internal/hangreport"
)

// specCall is a call the running spec made through Go or Do.
type specCall struct {
	what string
	done <-chan struct{}
	ok   func() bool // it returned without panicking (once done)
}

var specCalls struct {
	mu   sync.Mutex
	list []specCall
}

// recordCall remembers a call of the running spec.
func recordCall(c specCall) {
	specCalls.mu.Lock()
	defer specCalls.mu.Unlock()
	if len(specCalls.list) < 256 {
		specCalls.list = append(specCalls.list, c)
	}
}

// resetCalls forgets the calls of the previous spec.
func resetCalls() {
	specCalls.mu.Lock()
	defer specCalls.mu.Unlock()
	specCalls.list = nil
}

var learnerSymbols = sync.OnceValue(func() *hangreport.Symbols {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	s, err := hangreport.ReadSymbols(exe, learnerCode)
	if err != nil {
		return nil
	}
	return s
})

// returnedCalls lists the learner's functions the running spec called that
// have returned, the most recent call first, one per function, at most
// three.
func returnedCalls() []hangreport.Call {
	specCalls.mu.Lock()
	list := append([]specCall(nil), specCalls.list...)
	specCalls.mu.Unlock()
	var out []hangreport.Call
	seen := map[string]bool{}
	for i := len(list) - 1; i >= 0 && len(out) < 3; i-- {
		c := list[i]
		select {
		case <-c.done:
		default:
			continue // still running: not blocked in the learner's code, but not returned either
		}
		if !c.ok() {
			continue
		}
		fn, file, line, ok := learnerSymbols().Find(c.what)
		if !ok || seen[fn] {
			continue
		}
		seen[fn] = true
		out = append(out, hangreport.Call{What: c.what, Func: fn,
			Where: fmt.Sprintf("%s:%d", hangreport.Relative(moduleRoot(), file), line)})
	}
	return out
}

// notStuck is what a failed wait says when no goroutine of the learner's
// is blocked: where the learner's code returned without making fact
// happen, or, when the spec called none of it, that it returned or waits
// on something it was not given.
func notStuck(fact string) string {
	if words := hangreport.Returned(fact, returnedCalls()); words != "" {
		return words
	}
	return "No goroutine running your code is blocked: it returned, or is waiting on something it was not " +
		"given (the real clock), without doing what the spec waited for (a send, a close, a timer on the " +
		"clock it was given, a call back)."
}
