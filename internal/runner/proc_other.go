//go:build !unix

package runner

import (
	"os/exec"
	"syscall"
)

// extraFiles is false: Windows cannot hand a process a numbered descriptor,
// so the results channel is standard error, told apart by its nonce.
const extraFiles = false

// ownGroup: Windows has no process groups to signal; the process is killed
// on its own.
func ownGroup() *syscall.SysProcAttr { return nil }

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
