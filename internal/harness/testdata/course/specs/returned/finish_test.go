package returned_test

import (
	. "github.com/onsi/ginkgo/v2"

	"autoroute/internal/harness"
	"autoroute/internal/harness/testdata/course/solutions/fxreturned"
)

var _ = Describe("finish", Label("finish"), func() {
	It("closes done once the work is over", func(spec SpecContext) {
		ctx := harness.Context(spec)
		done := make(chan struct{})
		harness.Do("fxreturned.Start(done)", func() { fxreturned.Start(done) }).Wait(ctx)
		harness.Receive(ctx, done, "done to be closed, the work being over", "")
	}, harness.Timeout)
})
