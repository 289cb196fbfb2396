//go:build !unix

package runner

import "errors"

// cachedBinary is not available here: every run builds afresh.
func cachedBinary(Options) (string, func(), error) {
	return "", nil, errors.New("no binary cache on this system")
}
