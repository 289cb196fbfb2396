package harness

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestTheSectionToReadEndsTheMessage(t *testing.T) {
	readmePath = "lessons/02-spawn/README.md"
	defer func() { readmePath = "" }()
	for in, want := range map[string]string{
		"JoinNext never came. (Read lessons/02-spawn/README.md, section \"joinset\".)\n\nWhere your code is stuck:\n  - here": "JoinNext never came.\n\nWhere your code is stuck:\n  - here\n(Read lessons/02-spawn/README.md, section \"joinset\".)",
		"Already last. (Read lessons/02-spawn/README.md, section \"joinset\".)":                                               "Already last. (Read lessons/02-spawn/README.md, section \"joinset\".)",
		"No section at all.": "No section at all.",
	} {
		if got := sectionLast(in); got != want {
			t.Errorf("sectionLast(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestExplainNamesTheSectionAndReplacesGinkgosBareTimeout(t *testing.T) {
	readmePath = "lessons/02-spawn/README.md"
	defer func() { readmePath = "" }()
	r := types.SpecReport{
		State:                    types.SpecStateTimedout,
		ContainerHierarchyLabels: [][]string{{"joinset"}},
		Failure:                  types.Failure{Message: "A spec timeout occurred"},
		ReportEntries: types.ReportEntries{{Name: stuckEntry, Value: types.WrapEntryValue(
			"The spec was still running 2.5s after this step began.\n\nWhere your code is stuck:\n  - task.(*Set).JoinNext is blocked at solutions/task/joinset.go:88.")}},
	}
	want := "The spec was still running 2.5s after this step began.\n\nWhere your code is stuck:\n" +
		"  - task.(*Set).JoinNext is blocked at solutions/task/joinset.go:88.\n(Ginkgo: A spec timeout occurred)\n" +
		"(Read lessons/02-spawn/README.md, section \"joinset\".)"
	if got := Explain(r); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	r = types.SpecReport{State: types.SpecStateFailed, ContainerHierarchyLabels: [][]string{{"joinset"}},
		Failure: types.Failure{Message: "A cancelled task must not write. Expected <string>: x to be empty"}}
	if got := Explain(r); got != r.Failure.Message+"\n(Read lessons/02-spawn/README.md, section \"joinset\".)" {
		t.Errorf("a bare matcher line gets no section: %q", got)
	}
	if got := Explain(types.SpecReport{State: types.SpecStatePassed}); got != "" {
		t.Errorf("a passing spec is explained: %q", got)
	}
}
