package harness

import "syscall"

// childAttr makes the re-executed suite die with the process that started
// it: go test kills a test binary that outlives its -timeout, and the
// suite must not run on orphaned.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
