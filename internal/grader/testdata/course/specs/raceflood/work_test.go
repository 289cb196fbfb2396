package raceflood_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"autoroute/internal/grader/testdata/course/solutions/fxraceflood"
	"autoroute/internal/harness"
)

var _ = Describe("work", Label("work"), func() {
	It("answers before", func(ctx SpecContext) {
		Expect(harness.Go("Answer()", fxraceflood.Answer).Wait(ctx)).To(Equal(42))
	}, harness.Timeout)

	It("misbehaves", func(ctx SpecContext) {
		harness.Do("Misbehave()", fxraceflood.Misbehave).Wait(ctx)
	}, harness.Timeout)

	It("answers after", func(ctx SpecContext) {
		Expect(harness.Go("Answer()", fxraceflood.Answer).Wait(ctx)).To(Equal(42))
	}, harness.Timeout)
})
