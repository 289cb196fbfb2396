package grader_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/grader"
)

// partialReport is two lessons of a learner's partly done course: one
// exercise whole, one at 3 of 4 specs, one at 1 of 3 (a third of 15 points:
// 5), one at 5 of 8 (15 points: 9.375, which the text rounds to 9.38), and a
// lesson of 130 points, like tcpserver, with one exercise begun.
func partialReport() *grader.Report {
	specs := func(passed, total int) []grader.SpecReport {
		var out []grader.SpecReport
		for i := 0; i < total; i++ {
			status := "failed"
			if i < passed {
				status = "passed"
			}
			out = append(out, grader.SpecReport{Name: "spec " + strconv.Itoa(i), Status: status})
		}
		return out
	}
	ex := func(id string, points float64, passed, total int) grader.ExerciseReport {
		return grader.ExerciseReport{ID: id, Score: points * float64(passed) / float64(total), MaxScore: points, Specs: specs(passed, total)}
	}
	runtime := grader.LessonReport{ID: "runtime", MaxScore: 100, Status: grader.LessonFailed, Exercises: []grader.ExerciseReport{
		ex("hello", 10, 6, 6), ex("lanes", 20, 3, 4), ex("backpressure", 15, 1, 3), ex("panics", 15, 5, 8), ex("rest", 40, 0, 9),
	}}
	server := grader.LessonReport{ID: "tcpserver", MaxScore: 130, Status: grader.LessonFailed, Exercises: []grader.ExerciseReport{
		ex("accept-loop", 15, 2, 6), ex("rest", 115, 0, 20),
	}}
	r := &grader.Report{Solution: "learner", MaxScore: 230}
	for _, l := range []*grader.LessonReport{&runtime, &server} {
		for _, e := range l.Exercises {
			l.Score += e.Score
		}
		r.Score += l.Score
		r.Lessons = append(r.Lessons, *l)
	}
	return r
}

// The score sent to Classroom is the one the grade step's log shows, on the
// same scale: the same total of points, out of the same maximum (the sum of
// the graded lessons' points), partial credit included. Classroom's log
// shows that one total and no other.
func TestTheScoreSentToClassroomIsTheOneTheLogShows(t *testing.T) {
	report := partialReport()
	want := 10 + 15 + 5 + 9.375 + 5.0 // 44.375, "44.38" in the text report

	var text, classroom, js bytes.Buffer
	require.NoError(t, report.Write(&text, "text", false))
	require.NoError(t, report.Write(&classroom, "classroom", false))
	require.NoError(t, report.Write(&js, "json", false))

	textTotal := regexp.MustCompile(`(?m)^Score: ([0-9.]+) / ([0-9.]+) \(learner solution\)$`).FindStringSubmatch(text.String())
	require.NotNil(t, textTotal, "the text report's total:\n%s", text.String())
	assert.Equal(t, []string{"44.38", "230"}, textTotal[1:])

	out := classroom.String()
	logged := regexp.MustCompile(`(?m)^Total points: ([0-9.]+)/([0-9.]+), the score sent to GitHub Classroom \(runtime 39.38/100, tcpserver 5/130\)$`).FindStringSubmatch(out)
	require.NotNil(t, logged, "the Classroom log's total:\n%s", out)
	sent := regexp.MustCompile(`(?m)^::notice title=Autograding complete::Points ([0-9.]+)/([0-9.]+)$`).FindStringSubmatch(out)
	require.NotNil(t, sent, "the Points annotation Classroom reads:\n%s", out)
	report2 := regexp.MustCompile(`(?m)^::notice title=Autograding report::(.*)$`).FindStringSubmatch(out)
	require.NotNil(t, report2, "the report annotation Classroom reads:\n%s", out)
	var points struct{ TotalPoints, MaxPoints float64 }
	require.NoError(t, json.Unmarshal([]byte(report2[1]), &points))

	assert.Equal(t, []string{"44.38", "230"}, logged[1:], "the log's total")
	assert.Equal(t, logged[1:], sent[1:], "the Points sent are the log's total")
	assert.Equal(t, 44.38, points.TotalPoints)
	assert.Equal(t, 230.0, points.MaxPoints)
	total, err := strconv.ParseFloat(logged[1], 64)
	require.NoError(t, err)
	assert.InDelta(t, want, total, 0.0051, "the partial score, rounded to the hundredth")
	var decoded struct {
		Score    float64 `json:"score"`
		MaxScore float64 `json:"max_score"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	assert.InDelta(t, want, decoded.Score, 1e-9, "the JSON report's score")
	assert.Equal(t, 230.0, decoded.MaxScore, "the JSON report's maximum: the sum of the lessons' points, 130 for a lesson of 130")
	assert.NotContains(t, out, "::error", "failing specs alone are no error: the check stays green")
}

// A lesson that cannot be graded turns the check red (an ::error line the
// workflow fails on) and still sends the points of the others.
func TestALessonThatCannotBeGradedIsAnErrorForClassroom(t *testing.T) {
	report := partialReport()
	report.Lessons[1].Status = grader.LessonBuildError
	report.Score -= report.Lessons[1].Score
	report.Lessons[1].Score = 0
	var classroom bytes.Buffer
	require.NoError(t, report.Write(&classroom, "classroom", false))
	assert.Contains(t, classroom.String(), "::notice title=Autograding complete::Points 39.38/230\n")
	assert.Contains(t, classroom.String(), "::error title=Autograding::tcpserver could not be graded (build error): it scores 0 of 130")
}
