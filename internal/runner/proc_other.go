//go:build !unix && !windows

package runner

import (
	"os/exec"
	"syscall"
)

// extraFiles is false: no numbered descriptor is handed over here,
// so the results channel is standard error, told apart by its nonce.
const extraFiles = false

// ownGroup: there are no process groups to signal here; the process is
// killed on its own.
func ownGroup() *syscall.SysProcAttr { return nil }

// confine has nothing to confine a process with here.
func confine(cmd *exec.Cmd, memoryLimit int64) {}

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// stop ends a stuck suite. There is no SIGINT to send here, so Ginkgo
// cannot report the spec that was running: it is reported as crashed, with
// the budget it overran.
func stop(cmd *exec.Cmd, exited <-chan error) error {
	killGroup(cmd)
	return <-exited
}
