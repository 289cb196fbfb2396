// Package timeline records what ran when on a fake clock and draws it as a
// small ASCII chart. The await lesson's specs about timing print it when
// they fail: seeing "your three tasks ran one after another" teaches faster
// than a number.
//
// A row is a task (spans: when it began and ended) or a series of instants
// (marks, such as the attempts of a retry). Times are offsets from the
// instant the timeline was made, on the fake clock; real time plays no part.
package timeline

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// Timeline is safe for use by many goroutines: tasks record themselves on
// it while they run.
type Timeline struct {
	clk    *clock.Fake
	origin time.Time

	mu   sync.Mutex
	rows []*row
}

type row struct {
	name  string
	spans []Span
	marks []time.Duration
	note  string
}

// Span is a stretch of virtual time on a row: from Start to End, as offsets
// from the timeline's origin. An Open span has begun and not ended yet.
type Span struct {
	Start, End time.Duration
	Open       bool
}

// New returns an empty timeline whose origin is clk's current time.
func New(clk *clock.Fake) *Timeline {
	return &Timeline{clk: clk, origin: clk.Now()}
}

// Rows declares rows up front, so that they are drawn in this order even if
// some never record anything (a task that never started is news too).
func (tl *Timeline) Rows(names ...string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for _, name := range names {
		tl.rowLocked(name)
	}
}

// Begin records that the task name starts now.
func (tl *Timeline) Begin(name string) {
	at := tl.clk.Since(tl.origin)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	r := tl.rowLocked(name)
	r.spans = append(r.spans, Span{Start: at, End: at, Open: true})
}

// End records that the task name ended now, with a note ("ok", "failed",
// "cancelled") drawn beside its row.
func (tl *Timeline) End(name, note string) { tl.EndAt(name, tl.clk.Now(), note) }

// EndAt records that the task name ended at t. A task woken by a timer
// should pass the time the timer sent: it is exact, whereas Now may already
// have moved on by the time the task runs.
func (tl *Timeline) EndAt(name string, t time.Time, note string) {
	at := t.Sub(tl.origin)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	r := tl.rowLocked(name)
	if n := len(r.spans); n > 0 && r.spans[n-1].Open {
		r.spans[n-1].End, r.spans[n-1].Open = at, false
	} else {
		r.spans = append(r.spans, Span{Start: at, End: at})
	}
	r.note = fmt.Sprintf("%s at %s", note, offset(at))
}

// Mark records an instant on the row name, now.
func (tl *Timeline) Mark(name string) {
	at := tl.clk.Since(tl.origin)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	r := tl.rowLocked(name)
	r.marks = append(r.marks, at)
}

// Note sets the text drawn beside the row name.
func (tl *Timeline) Note(name, note string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.rowLocked(name).note = note
}

// Spans returns the spans recorded on the row name.
func (tl *Timeline) Spans(name string) []Span {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for _, r := range tl.rows {
		if r.name == name {
			return append([]Span(nil), r.spans...)
		}
	}
	return nil
}

// Marks returns the instants recorded on the row name.
func (tl *Timeline) Marks(name string) []time.Duration {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for _, r := range tl.rows {
		if r.name == name {
			return append([]time.Duration(nil), r.marks...)
		}
	}
	return nil
}

func (tl *Timeline) rowLocked(name string) *row {
	for _, r := range tl.rows {
		if r.name == name {
			return r
		}
	}
	r := &row{name: name}
	tl.rows = append(tl.rows, r)
	return r
}

// maxColumns bounds the chart's width: one column is the smallest "round"
// duration (1, 2 or 5 times a power of ten) that fits the whole story in it.
const maxColumns = 60

// String draws the timeline: a time axis, then one row per task with '#'
// where it was running, '>' where it still runs, and digits for marks (1 for
// the first, 2 for the second... '+' past 9, '*' for several marks that fall
// in one column).
func (tl *Timeline) String() string {
	now := tl.clk.Since(tl.origin)
	tl.mu.Lock()
	defer tl.mu.Unlock()

	horizon := now
	for _, r := range tl.rows {
		for _, s := range r.spans {
			horizon = max(horizon, s.End)
		}
		for _, m := range r.marks {
			horizon = max(horizon, m)
		}
	}
	step := scale(horizon)
	columns := int(horizon/step) + 1

	label := 0
	for _, r := range tl.rows {
		label = max(label, len(r.name))
	}
	label += 2

	var b strings.Builder
	fmt.Fprintf(&b, "What ran when, on the spec's fake clock (one column = %v):\n\n", step)
	b.WriteString(strings.Repeat(" ", label))
	b.WriteString(axis(columns, step))
	b.WriteString("\n")
	ticks := []byte(strings.Repeat(" ", columns))
	for c := 0; c < columns; c += 10 {
		ticks[c] = '|'
	}
	b.WriteString(strings.Repeat(" ", label))
	b.WriteString(strings.TrimRight(string(ticks), " "))
	b.WriteString("\n")

	marks := false
	for _, r := range tl.rows {
		marks = marks || len(r.marks) > 0
		cells := []byte(strings.Repeat(" ", columns+1))
		for _, s := range r.spans {
			end := s.End
			if s.Open {
				end = now
			}
			from, to := int(s.Start/step), int((end+step-1)/step)
			if to <= from {
				to = from + 1
			}
			for c := from; c < to && c < len(cells); c++ {
				cells[c] = '#'
			}
			if s.Open && to < len(cells) {
				cells[to] = '>'
			}
		}
		for i, m := range r.marks {
			mark, c := byte('+'), int(m/step)
			if i < 9 {
				mark = byte('1' + i)
			}
			if i > 0 && int(r.marks[i-1]/step) == c {
				mark = '*'
			}
			cells[c] = mark
		}
		note := r.note
		if note == "" && len(r.spans) > 0 && r.spans[len(r.spans)-1].Open {
			note = "still running at " + offset(now)
		}
		if note == "" && len(r.spans) == 0 && len(r.marks) == 0 {
			note = "never ran"
		}
		line := fmt.Sprintf("%-*s%s  %s", label, r.name, cells, note)
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%*snow: %s", label, "", offset(now))
	if marks {
		b.WriteString("; marks: 1 to 9 the first nine, + a later one, * several in one column")
	}
	return b.String()
}

// scale picks the column width for a chart that spans horizon: the
// smallest step that fits it in maxColumns columns, among steps that put a
// round duration every ten columns (100ms, 1s, 1m...).
func scale(horizon time.Duration) time.Duration {
	for _, step := range steps {
		if horizon/step <= maxColumns {
			return step
		}
	}
	return steps[len(steps)-1]
}

// steps are the column widths scale chooses from, smallest first.
var steps = func() []time.Duration {
	var s []time.Duration
	for p := time.Duration(1); p < time.Second; p *= 10 {
		s = append(s, p, 2*p, 5*p)
	}
	s = append(s, time.Second, 2*time.Second, 3*time.Second, 6*time.Second, 12*time.Second, 30*time.Second,
		time.Minute, 3*time.Minute, 6*time.Minute, 12*time.Minute, 30*time.Minute)
	for p := time.Hour; p <= time.Duration(1<<63-1)/50; p *= 10 {
		s = append(s, p, 2*p, 5*p)
	}
	return s
}()

// axis writes a label every ten columns, where it fits.
func axis(columns int, step time.Duration) string {
	line := []byte(strings.Repeat(" ", columns+8))
	next := 0 // the first free column
	for c := 0; c < columns; c += 10 {
		text := (time.Duration(c) * step).String()
		if c < next || c+len(text) > len(line) {
			continue
		}
		copy(line[c:], text)
		next = c + len(text) + 1
	}
	return strings.TrimRight(string(line), " ")
}

func offset(d time.Duration) string { return "+" + d.String() }
