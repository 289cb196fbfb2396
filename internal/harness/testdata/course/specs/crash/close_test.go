package crash_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/internal/harness/testdata/course/solutions/fxcrash"
)

var _ = Describe("close", Label("close"), func() {
	It("counts on two goroutines", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := harness.Go("fxcrash.CloseTwice()", fxcrash.CloseTwice).Wait(ctx)
		Expect(got).To(Equal(2), "CloseTwice lost a count.")
	}, harness.Timeout)
})
