// Package fxmemory grows its memory without bound.
package fxmemory

// Answer returns 42.
func Answer() int { return 42 }

var kept []byte

// Misbehave takes half a gigabyte at once and touches every page of it:
// it passes the fixtures' limit (256 MiB) halfway, well within the spec's
// budget even on a loaded machine.
func Misbehave() {
	kept = make([]byte, 512<<20)
	for i := 0; i < len(kept); i += 4096 {
		kept[i] = 1
	}
	select {} // holds it until the process is stopped
}
