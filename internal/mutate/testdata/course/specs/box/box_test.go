package box_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/harness"
	"autoroute/internal/mutate/testdata/course/solutions/fxbox"
)

var _ = Describe("work", Label("work"), func() {
	It("clamps", func(ctx SpecContext) {
		Expect(harness.Go("Clamp(5, 3)", func() int { return fxbox.Clamp(5, 3) }).Wait(ctx)).To(Equal(3))
		Expect(harness.Go("Clamp(1, 3)", func() int { return fxbox.Clamp(1, 3) }).Wait(ctx)).To(Equal(1))
	}, harness.Timeout)

	It("knows zero is not positive", func(ctx SpecContext) {
		Expect(harness.Go("Positive(0)", func() bool { return fxbox.Positive(0) }).Wait(ctx)).To(BeFalse())
		Expect(harness.Go("Positive(1)", func() bool { return fxbox.Positive(1) }).Wait(ctx)).To(BeTrue())
	}, harness.Timeout)

	It("knows small numbers, but not ten", func(ctx SpecContext) {
		Expect(harness.Go("Small(3)", func() bool { return fxbox.Small(3) }).Wait(ctx)).To(BeTrue())
		Expect(harness.Go("Small(20)", func() bool { return fxbox.Small(20) }).Wait(ctx)).To(BeFalse())
	}, harness.Timeout)

	It("names the box", func(ctx SpecContext) {
		Expect(harness.Go("Name()", fxbox.Name).Wait(ctx)).To(Equal("box"))
	}, harness.Timeout)
})
