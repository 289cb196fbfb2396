//go:build !linux

package runner

// watchMemory cannot measure a process here: only GOMEMLIMIT, in the
// process's environment, holds its memory back (the README says so).
func watchMemory(pid int, limit int64) (over <-chan struct{}, stopWatch func()) {
	return nil, func() {}
}

// watchGroupMemory cannot measure processes here: a build is bounded in
// time only.
func watchGroupMemory(pgid int, limit int64) (over <-chan struct{}, stopWatch func()) {
	return nil, func() {}
}
