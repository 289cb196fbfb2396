// Package fxexitzero ends the whole test process with status 0 in the middle of a spec.
package fxexitzero

import "os"

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave ends the process, successfully as far as its status says.
func Misbehave() { os.Exit(0) }
