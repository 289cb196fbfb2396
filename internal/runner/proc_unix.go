//go:build unix

package runner

import (
	"os/exec"
	"syscall"
	"time"
)

// extraFiles says whether a test process can be handed the results channel
// as a descriptor of its own.
const extraFiles = true

// ownGroup puts a test process in a process group of its own, so that it
// is stopped together with whatever it started.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// confine: a process group (ownGroup) is all a Unix process needs; its
// memory is watched (on Linux) or bounded by GOMEMLIMIT only.
func confine(cmd *exec.Cmd, memoryLimit int64) {}

// killGroup kills the process's group, the process included.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// stop interrupts a stuck suite: SIGINT first, so Ginkgo reports what it
// can, then, if it has not ended within a few seconds, SIGKILL to its
// whole group.
func stop(cmd *exec.Cmd, exited <-chan error) error {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	grace := time.NewTimer(5 * time.Second)
	defer grace.Stop()
	select {
	case err := <-exited:
		return err
	case <-grace.C:
	}
	killGroup(cmd)
	return <-exited
}
