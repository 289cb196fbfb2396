package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
)

// fixtureRoot is the grader's fixture course: lessons whose solutions
// misbehave in one way each, beside specs that pass.
const fixtureRoot = "../grader/testdata/course"

// fixtureLesson loads one of the fixture course's lessons, and a context
// that bounds the test (a safety net, ended with it).
func fixtureLesson(t *testing.T, id string) (*course.Lesson, context.Context) {
	t.Helper()
	c, err := course.Load(fixtureRoot)
	require.NoError(t, err)
	l, err := c.Lesson(id)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return l, ctx
}
