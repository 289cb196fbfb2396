package selftest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/mutate"
)

// The self-test runs a fixed sample of each lesson's mutants (the same
// ones on every run, see mutate.Sample) and requires the specs to kill at
// least mutationFloor of them. The full run is the maintainers' command,
// autoroute mutate.
const (
	mutationSample = 10
	mutationFloor  = 0.9
)

// Every equivalent mutant the manifest lists is still a mutant of the
// reference: an id that matches nothing is stale.
func TestEquivalentMutantsAreMutantsOfTheReference(t *testing.T) {
	t.Parallel() // one pool for the whole self-test: see main_test.go
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			all, err := mutate.Mutants(root, l)
			require.NoError(t, err)
			for _, id := range mutate.UnknownEquivalents(l, all) {
				t.Errorf("lesson %s: equivalent mutant %s in the manifest is not a mutant of the reference any more "+
					"(autoroute mutate %s lists the ids): remove it or update its id", l.ID, id, l.ID)
			}
		})
	}
}

func TestSpecsKillASampleOfMutants(t *testing.T) {
	t.Parallel() // one pool for the whole self-test: see main_test.go
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			take(t, busy)
			all, err := mutate.Mutants(root, l)
			require.NoError(t, err)
			equivalent := map[string]bool{}
			for _, e := range l.Equivalents {
				equivalent[e.ID] = true
			}
			var candidates []mutate.Mutant
			for _, m := range all {
				if !equivalent[m.ID] {
					candidates = append(candidates, m)
				}
			}
			sample := map[string]bool{}
			for _, m := range mutate.Sample(candidates, mutationSample) {
				sample[m.ID] = true
			}
			report, err := mutate.Run(budget(t), mutate.Options{
				Root: root, Lesson: l, Jobs: 1, Budget: 2 * time.Minute, RaceSurvivors: true,
				ReferenceProven: true, // TestReferencePassesEverySpec
				KeepBuilds:      kept,
				Only:            func(m mutate.Mutant) bool { return sample[m.ID] },
			})
			require.NoError(t, err)
			var survivors []string
			for _, o := range report.Survivors() {
				survivors = append(survivors, "  "+o.ID+" ("+o.File+":"+itoa(o.Line)+"): "+o.Before+"  →  "+o.After)
			}
			t.Logf("lesson %s: %d of %d sampled mutants killed, %d did not compile", l.ID, report.Killed, report.Killed+report.Survived, report.NotCompiled)
			assert.GreaterOrEqual(t, report.Score, mutationFloor,
				"lesson %s: the specs kill %.0f%% of a fixed sample of mutants of the reference, below the floor of %.0f%%. "+
					"Each survivor is a change to the reference no spec notices: write the spec that catches it, or, if it "+
					"behaves exactly like the reference, list it under equivalent_mutants in the manifest with a reason.\n%s",
				l.ID, report.Score*100, mutationFloor*100, strings.Join(survivors, "\n"))
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
