package mutate_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
	"autoroute/internal/kittest"
	"autoroute/internal/mutate"
)

// testdata/course's lesson box has one mutant of each fate.
func TestEachFateIsReported(t *testing.T) {
	kittest.Heavy(t) // it builds and runs a suite per mutant
	c, err := course.Load("testdata/course")
	require.NoError(t, err)
	l, err := c.Lesson("box")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := mutate.Run(ctx, mutate.Options{Root: "testdata/course", Lesson: l, Budget: time.Minute})
	require.NoError(t, err)

	status := map[string]mutate.Outcome{}
	for _, o := range r.Outcomes {
		status[o.ID] = o
	}
	require.Len(t, status, 4, "%+v", r.Outcomes)
	assert.Equal(t, mutate.Equivalent, status["box.go:Clamp:boundary:1"].Status)
	assert.Equal(t, "at v == max both return max", status["box.go:Clamp:boundary:1"].Reason)
	assert.Equal(t, mutate.Stale, status["box.go:Positive:boundary:1"].Status)
	assert.Contains(t, status["box.go:Positive:boundary:1"].KilledBy, "knows zero is not positive")
	assert.Equal(t, mutate.Survived, status["box.go:Small:boundary:1"].Status)
	assert.Equal(t, mutate.NotCompiled, status["box.go:Name:background:1"].Status)
	assert.Contains(t, status["box.go:Name:background:1"].Reason, "declared and not used")
	assert.Equal(t, []string{"box.go:Gone:boundary:1"}, r.Unknown)

	assert.Equal(t, 1, r.Killed)
	assert.Equal(t, 1, r.Stale)
	assert.Equal(t, 1, r.Survived)
	assert.Equal(t, 1, r.Equivalent)
	assert.Equal(t, 1, r.NotCompiled)
	assert.InDelta(t, 0.5, r.Score, 1e-9)
	require.Len(t, r.Survivors(), 1)
	assert.Equal(t, "v < 10", r.Survivors()[0].Before)
	assert.Equal(t, "v <= 10", r.Survivors()[0].After)
	assert.Equal(t, 21, r.Survivors()[0].Line)
}
