//go:build !unix

package keptbuild

import (
	"errors"
	"time"
)

// lock is not available here: nothing is kept, every run builds afresh.
func lock(string, time.Duration) (func(), error) {
	return nil, errors.New("no file locking on this system: binaries are not kept")
}
