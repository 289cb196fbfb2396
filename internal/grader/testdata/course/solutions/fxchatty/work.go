// Package fxchatty prints megabytes.
package fxchatty

import (
	"os"
	"strings"
)

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave prints 12 MiB to standard output, more than the grader keeps,
// then works.
func Misbehave() {
	chunk := []byte(strings.Repeat(strings.Repeat("la", 511)+"\n", 1024)) // 1 MiB of 1 KiB lines
	for range 12 {
		os.Stdout.Write(chunk)
	}
}
