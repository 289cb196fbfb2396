// Package fxexit exits the process.
package fxexit

import "os"

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave ends the whole test process.
func Misbehave() { os.Exit(3) }
