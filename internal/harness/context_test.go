package harness_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"autoroute/internal/harness"
)

func TestContextEndsWithTheSpecsAndIsNotIt(t *testing.T) {
	spec, cancel := context.WithCancelCause(context.Background())
	ctx := harness.Context(spec)
	assert.NotSame(t, spec, ctx, "learner code must get a context of its own, not the spec's")
	assert.NoError(t, ctx.Err(), "the context must live as long as the spec's")

	finished := errors.New("spec has finished")
	cancel(finished)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second): // a safety budget: AfterFunc runs at once
		t.Fatal("the context did not end when the spec's did")
	}
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.ErrorIs(t, context.Cause(ctx), finished, "the cause must be the spec's")
}
