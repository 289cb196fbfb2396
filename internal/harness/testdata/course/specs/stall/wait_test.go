package stall_test

import (
	. "github.com/onsi/ginkgo/v2"

	"autoroute/internal/harness/testdata/course/solutions/fxstall"
)

// A spec written without a SpecContext (so without a time limit): the
// harness must still stop it.
var _ = Describe("wait", Label("wait"), func() {
	It("waits for a signal that never comes", func() {
		fxstall.Wait(make(chan struct{}))
	})
})
