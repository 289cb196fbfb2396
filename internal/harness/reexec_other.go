//go:build !linux

package harness

import "syscall"

// childAttr: elsewhere than on Linux, the re-executed suite ends at its own
// -test.timeout, which it was given like the process that started it.
func childAttr() *syscall.SysProcAttr { return nil }
