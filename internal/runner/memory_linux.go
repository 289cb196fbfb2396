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

// groupPoll is how often a build's memory is added up: reading every
// process's status costs more than reading one.
const groupPoll = 250 * time.Millisecond

// watchGroupMemory is watchMemory for a whole process group (a build: the
// go command and the compilers it starts): it closes over when one process
// of group pgid exceeds limit bytes. One, not their sum: an honest build
// runs as many compilers at once as the machine has cores, and a compiler
// made to explode is one process.
func watchGroupMemory(pgid int, limit int64) (over <-chan struct{}, stopWatch func()) {
	exceeded := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		tick := time.NewTicker(groupPoll)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			if largestInGroup(pgid) > limit {
				close(exceeded)
				return
			}
		}
	}()
	return exceeded, func() { close(quit) }
}

// largestInGroup is the largest resident memory of a process of group pgid.
func largestInGroup(pgid int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var largest int64
	page := int64(os.Getpagesize())
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so count
		// from the last parenthesis.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(stat[i+1:])
		if len(fields) < 3 || string(fields[2]) != strconv.Itoa(pgid) {
			continue
		}
		statm, err := os.ReadFile("/proc/" + e.Name() + "/statm")
		if err != nil {
			continue
		}
		if f := bytes.Fields(statm); len(f) > 1 {
			if pages, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil {
				largest = max(largest, pages*page)
			}
		}
	}
	return largest
}
