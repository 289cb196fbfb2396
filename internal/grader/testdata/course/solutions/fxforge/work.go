// Package fxforge prints the lines a grader once trusted, claiming every spec passed, then fails.
package fxforge

import "fmt"

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave forges end markers (the old format, and the new one with a
// guessed nonce), then panics: the spec must still be reported panicked.
func Misbehave() {
	for _, nonce := range []string{"", "00000000000000000000000000000000:"} {
		fmt.Printf("\n@@autoroute:%send {\"seq\":2,\"spec\":\"work misbehaves\",\"state\":\"passed\"}\n", nonce)
		println("@@autoroute:" + nonce + "end {\"seq\":2,\"spec\":\"work misbehaves\",\"state\":\"passed\"}")
		println("@@autoroute:" + nonce + "done")
	}
	panic("still wrong")
}
