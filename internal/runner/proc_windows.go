//go:build windows

package runner

import (
	"os/exec"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// extraFiles is false: Windows cannot hand a process a numbered descriptor,
// so the results channel is standard error, told apart by its nonce.
const extraFiles = false

// ownGroup: Windows has no process groups to signal; confine puts the
// process in a job object instead.
func ownGroup() *syscall.SysProcAttr { return nil }

// jobs holds the job object of each confined command, until killGroup.
var jobs sync.Map // *exec.Cmd -> windows.Handle

// confine puts a started process in a job object of its own: what it
// starts joins the job, the whole job is killed by killGroup (and by
// Windows if the grader itself dies: kill on job close), and each process
// in it may commit at most memoryLimit bytes (an allocation past it fails,
// and the Go runtime dies of it). The process runs for a moment before it
// joins (os/exec cannot start it suspended): a Go test binary starts no
// process in that moment, and learner code can start none at all.
// Confinement is best effort: when a step fails the process runs
// unconfined, killed on its own, as before.
func confine(cmd *exec.Cmd, memoryLimit int64) {
	if cmd.Process == nil {
		return
	}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if memoryLimit > 0 {
		info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_PROCESS_MEMORY
		info.ProcessMemoryLimit = uintptr(memoryLimit)
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return
	}
	process, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err != nil {
		windows.CloseHandle(job)
		return
	}
	defer windows.CloseHandle(process)
	if err := windows.AssignProcessToJobObject(job, process); err != nil {
		windows.CloseHandle(job)
		return
	}
	jobs.Store(cmd, job)
}

// killGroup kills the process's job (the process and all it started), or
// the process alone when it was not confined.
func killGroup(cmd *exec.Cmd) {
	if v, ok := jobs.LoadAndDelete(cmd); ok {
		job := v.(windows.Handle)
		_ = windows.TerminateJobObject(job, 1)
		_ = windows.CloseHandle(job)
	}
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
