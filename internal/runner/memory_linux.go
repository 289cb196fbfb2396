package runner

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// memoryPoll is how often the resident memory of a test process is read.
const memoryPoll = 100 * time.Millisecond

// watchMemory reads the resident memory of process pid until stopWatch is
// called, and closes over when it exceeds limit bytes. It is a watchdog,
// not a synchronisation: GOMEMLIMIT, set in the process's environment,
// makes the Go runtime collect hard before that, and the limit only stops
// a process that keeps growing.
func watchMemory(pid int, limit int64) (over <-chan struct{}, stopWatch func()) {
	exceeded := make(chan struct{})
	quit := make(chan struct{})
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		tick := time.NewTicker(memoryPoll)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			if rss, ok := residentBytes(path); ok && rss > limit {
				close(exceeded)
				return
			}
		}
	}()
	return exceeded, func() { close(quit) }
}

// residentBytes reads VmRSS from a /proc/<pid>/status file.
func residentBytes(path string) (int64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			fields := bytes.Fields(rest)
			if len(fields) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
