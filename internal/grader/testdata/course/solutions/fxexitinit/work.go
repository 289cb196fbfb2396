// Package fxexitinit ends the process with status 0 while the package loads.
package fxexitinit

import "os"

func init() { os.Exit(0) }

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave does nothing: the process never gets this far.
func Misbehave() {}
