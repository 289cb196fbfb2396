// Package fxchatty prints megabytes.
package fxchatty

import (
	"fmt"
	"os"
	"strings"
)

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave prints 32 MiB to standard output, then works.
func Misbehave() {
	line := strings.Repeat("la", 512) + "\n"
	for range 32 << 10 {
		fmt.Fprint(os.Stdout, line)
	}
}
