package harness

import (
	"reflect"
	"testing"
)

// go test's -run is split as the testing package splits it, so that the
// exercises Ginkgo runs are the subtests go test will show.
func TestSplitPatternLikeTheTestingPackage(t *testing.T) {
	for pattern, want := range map[string][]string{
		"":                       nil,
		"TestRuntime":            {"TestRuntime"},
		"/lanes":                 {"", "lanes"},
		"TestRuntime/lanes/star": {"TestRuntime", "lanes", "star"},
		"/(hello|lanes)":         {"", "(hello|lanes)"},
		"/[a/b]x":                {"", "[a/b]x"},
		`/a\/b`:                  {"", `a\/b`},
	} {
		if got := splitPattern(pattern); !reflect.DeepEqual(got, want) {
			t.Errorf("splitPattern(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestSubtestNamesAreMatchedAsGoTestRewritesThem(t *testing.T) {
	if got := subtestName("starts exactly Lanes\tworkers"); got != "starts_exactly_Lanes_workers" {
		t.Errorf("subtestName = %q", got)
	}
	if !matches("starts_exactly", subtestName("starts exactly Lanes worker goroutines")) {
		t.Error("a -run element with underscores should match the spec's text")
	}
}
