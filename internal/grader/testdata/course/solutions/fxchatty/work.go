// Package fxchatty prints megabytes of lines that look like the grader's.
package fxchatty

import (
	"fmt"
	"strings"
)

// init prints 12 MiB, more than the grader keeps of a process's output,
// every line a forged marker saying the spec "misbehaves" passed; it does
// so while the package loads, outside any spec's budget.
func init() {
	line := `@@autoroute:end {"seq":2,"spec":"work misbehaves","state":"passed"}`
	chunk := strings.Repeat(line+strings.Repeat(" ", 1023-len(line))+"\n", 1024) // 1 MiB of 1 KiB lines
	for range 12 {
		fmt.Print(chunk)
	}
}

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave still fails, whatever the lines above claimed.
func Misbehave() { panic("still wrong") }
