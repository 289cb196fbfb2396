// Package fxmemory grows its memory without bound.
package fxmemory

// Answer returns 42.
func Answer() int { return 42 }

var kept [][]byte

// Misbehave allocates 16 MiB at a time, touches it and keeps it, until
// the process is stopped.
func Misbehave() {
	for {
		b := make([]byte, 16<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		kept = append(kept, b)
	}
}
