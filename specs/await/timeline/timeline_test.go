package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/fakes/clock"
)

func TestTasksOneAfterAnother(t *testing.T) {
	clk := clock.NewFake()
	tl := New(clk)
	tl.Rows("a", "b", "all")
	tl.Begin("all")
	tl.Begin("a")
	clk.Advance(time.Second)
	tl.End("a", "ok")
	tl.Begin("b")
	clk.Advance(2 * time.Second)
	tl.EndAt("b", clock.Epoch.Add(3*time.Second), "failed")
	tl.End("all", "returned")

	assert.Equal(t, []Span{{Start: 0, End: time.Second}}, tl.Spans("a"))
	assert.Equal(t, []Span{{Start: time.Second, End: 3 * time.Second}}, tl.Spans("b"))
	assert.Equal(t, strings.Join([]string{
		"What ran when, on the spec's fake clock (one column = 50ms):",
		"",
		"     0s        500ms     1s        1.5s      2s        2.5s      3s",
		"     |         |         |         |         |         |         |",
		"a    ####################                                            ok at +1s",
		"b                        ########################################    failed at +3s",
		"all  ############################################################    returned at +3s",
		"     now: +3s",
	}, "\n"), tl.String())
}

func TestOpenSpansAndRowsThatNeverRan(t *testing.T) {
	clk := clock.NewFake()
	tl := New(clk)
	tl.Rows("a", "b")
	tl.Begin("a")
	clk.Advance(4 * time.Second)
	out := tl.String()
	assert.Contains(t, out, "a  ########################################>   still running at +4s")
	assert.Contains(t, out, "b                                              never ran")
	assert.Equal(t, []Span{{Start: 0, End: 0, Open: true}}, tl.Spans("a"))
	assert.Nil(t, tl.Spans("c"))
}

func TestMarks(t *testing.T) {
	clk := clock.NewFake()
	tl := New(clk)
	for _, d := range []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond} {
		clk.Advance(d)
		tl.Mark("fn")
	}
	tl.Note("fn", "4 attempts")
	assert.Equal(t, []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond, 700 * time.Millisecond}, tl.Marks("fn"))
	assert.Contains(t, tl.String(), "fn  1    2         3                   4   4 attempts")
}

func TestManyMarksAndAnInstantTask(t *testing.T) {
	clk := clock.NewFake()
	tl := New(clk)
	for range 12 {
		tl.Mark("m")
		clk.Advance(time.Minute)
	}
	tl.Begin("instant")
	tl.End("instant", "ok")
	out := tl.String()
	assert.Contains(t, out, "(one column = 12s)")
	assert.Contains(t, out, "0s        2m0s      4m0s")
	lines := strings.Split(out, "\n")
	require.Len(t, lines, 7)
	assert.Contains(t, lines[4], "+", "marks past the ninth are drawn as +")
}

func TestScale(t *testing.T) {
	for _, c := range []struct{ horizon, step time.Duration }{
		{0, 1},
		{60, 1},
		{61, 2},
		{3 * time.Second, 50 * time.Millisecond},
		{6 * time.Second, 100 * time.Millisecond},
		{time.Hour, time.Minute},
		{61 * time.Minute, 3 * time.Minute},
		{time.Duration(1<<63 - 1), 50000 * time.Hour},
	} {
		assert.Equal(t, c.step, scale(c.horizon), "scale(%v)", c.horizon)
	}
}

func TestMarksInOneColumn(t *testing.T) {
	clk := clock.NewFake()
	tl := New(clk)
	tl.Mark("fn")
	tl.Mark("fn")
	clk.Advance(time.Second)
	tl.Mark("fn")
	out := tl.String()
	assert.Contains(t, out, "fn  *"+strings.Repeat(" ", 49)+"3\n")
	assert.Contains(t, out, "* several in one column")
}
