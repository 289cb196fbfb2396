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

// Each sampled mutant is a subtest of its own: most die at once, some hang
// a spec until its budget kills them, so they share the machine like the
// mistakes do (the waiting gate, see main_test.go), and the lesson's score
// is counted when its whole sample is done.
func TestSpecsKillASampleOfMutants(t *testing.T) {
	t.Parallel() // one pool for the whole self-test: see main_test.go
	for _, l := range load(t).Lessons {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
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
			sample := mutate.Sample(candidates, mutationSample)
			outcomes := make([]mutate.Outcome, len(sample))
			t.Run("sample", func(t *testing.T) { // returns once every mutant is done
				for i, m := range sample {
					t.Run(m.ID, func(t *testing.T) {
						t.Parallel()
						take(t, waiting)
						report, err := mutate.Run(budget(t), mutate.Options{
							Root: root, Lesson: l, Jobs: 1, Budget: 2 * time.Minute, RaceSurvivors: true,
							ReferenceProven: true, // TestReferencePassesEverySpec
							KeepBuilds:      kept,
							Only:            func(o mutate.Mutant) bool { return o.ID == m.ID },
						})
						require.NoError(t, err)
						require.Len(t, report.Outcomes, 1)
						outcomes[i] = report.Outcomes[0]
					})
				}
			})
			// A mutant whose subtest failed before its outcome has none
			// here, and its subtest says why.
			killed, survived, notCompiled := 0, 0, 0
			var survivors []string
			for _, o := range outcomes {
				switch o.Status {
				case mutate.Killed:
					killed++
				case mutate.Survived:
					survived++
					survivors = append(survivors, "  "+o.ID+" ("+o.File+":"+itoa(o.Line)+"): "+o.Before+"  →  "+o.After)
				case mutate.NotCompiled:
					notCompiled++
				}
			}
			score := 1.0
			if killed+survived > 0 {
				score = float64(killed) / float64(killed+survived)
			}
			t.Logf("lesson %s: %d of %d sampled mutants killed, %d did not compile", l.ID, killed, killed+survived, notCompiled)
			assert.GreaterOrEqual(t, score, mutationFloor,
				"lesson %s: the specs kill %.0f%% of a fixed sample of mutants of the reference, below the floor of %.0f%%. "+
					"Each survivor is a change to the reference no spec notices: write the spec that catches it, or, if it "+
					"behaves exactly like the reference, list it under equivalent_mutants in the manifest with a reason.\n%s",
				l.ID, score*100, mutationFloor*100, strings.Join(survivors, "\n"))
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
