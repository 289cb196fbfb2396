package races_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/internal/harness/testdata/course/solutions/fxraces"
)

var _ = Describe("count", Label("count"), func() {
	It("counts on eight goroutines", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := harness.Go("fxraces.Count(8)", func() int { return fxraces.Count(8) }).Wait(ctx)
		Expect(got).To(BeNumerically(">", 0), "Count(8) counted nothing.")
	}, harness.Timeout)
})

var _ = Describe("sum", Label("sum"), func() {
	It("sums on eight goroutines", func(spec SpecContext) {
		ctx := harness.Context(spec)
		got := harness.Go("fxraces.Sum(8)", func() int { return fxraces.Sum(8) }).Wait(ctx)
		Expect(got).To(Equal(8), "Sum(8) lost an addition.")
	}, harness.Timeout)
})
