// Package fxmemory grows its memory without bound.
package fxmemory

// Answer returns 42.
func Answer() int { return 42 }

var kept []byte

// Misbehave takes a gigabyte at once and touches every page of it, fast
// enough to pass any memory limit well within the spec's budget.
func Misbehave() {
	kept = make([]byte, 1<<30)
	for i := 0; i < len(kept); i += 4096 {
		kept[i] = 1
	}
	select {} // holds it until the process is stopped
}
