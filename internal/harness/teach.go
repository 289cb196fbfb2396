package harness

// Every failure teaches: a hang says where the learner's code is stuck, in
// words and at the learner's own lines, and every failure names the section
// of the lesson to read.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"autoroute/internal/hangreport"
	"autoroute/internal/harness/guard"
	"autoroute/internal/wire"
)

// learnerCode is the import path prefix of every lesson's learner package
// ("autoroute/solutions/"; racelog.go).
var learnerCode = learnerPackages()

// stuckHeading starts the description of where learner code is stuck.
const stuckHeading = "Where your code is stuck:"

// stuckEntry is the report entry that carries that description when it is
// not in the failure's message already (a spec's own wait ran out).
const stuckEntry = "autoroute-stuck"

// stuckNow describes where the goroutines running the learner's code, and
// started since the spec began, are blocked; "" when none is.
func stuckNow() string {
	return hangreport.Describe(allStacks(), hangreport.Options{
		Package: learnerCode,
		Root:    moduleRoot(),
		Skip:    aliveBefore(),
	})
}

// allStacks is the stack of every goroutine, as a panic would print them.
func allStacks() string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		if len(buf) >= 64<<20 {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// aliveBefore lists the goroutines that were alive when the running spec
// started: they are not its business.
func aliveBefore() map[int]bool {
	skip := map[int]bool{}
	if snapshot := before.Load(); snapshot != nil {
		for _, g := range *snapshot {
			skip[int(g.ID)] = true
		}
	}
	return skip
}

// hasSection reports whether message already names a section of the
// lesson's text.
func hasSection(message string) bool {
	return readmePath == "" || strings.Contains(message, readmePath)
}

// withSection appends, on a line of its own, the section to read when
// message names none.
func withSection(message string) string {
	if hasSection(message) {
		return message
	}
	see := See(current())
	if see == "" || current() == "" {
		return message
	}
	return strings.TrimRight(message, "\n") + "\n" + see
}

// failTeaching is the fail handler Gomega calls: an assertion's failure
// names the section to read even when the spec's message forgot to.
func failTeaching(message string, callerSkip ...int) {
	skip := 0
	if len(callerSkip) > 0 {
		skip = callerSkip[0]
	}
	ginkgo.Fail(withSection(message), skip+1)
}

// failStuck fails the spec because learner code never got where the spec
// waited for it: message, then where the learner's goroutines are stuck,
// then the section to read. fact names what the spec waited for ("" when
// the message alone says it).
func failStuck(message, fact string) {
	ginkgo.GinkgoHelper()
	diagnose(wire.ReasonTimeout)
	stuck := stuckNow()
	if stuck == "" {
		if fact == "" {
			fact = "what the message above says"
		}
		stuck = notStuck(fact)
	}
	ginkgo.Fail(sectionLast(withSection(strings.TrimRight(message, "\n") + "\n\n" + stuck)))
}

// bareTimeout is how Ginkgo words a timeout of its own.
var bareTimeout = regexp.MustCompile(`^A (spec|node|suite|grace period) timeout occurred`)

// Explain is the message a learner reads for a finished spec: its failure
// message, where the learner's code was stuck if the spec gave up waiting
// for it and the message does not say, and the section to read if the
// message names none. "" for a spec that did not fail.
func Explain(r types.SpecReport) string {
	message := r.Failure.Message
	if message == "" {
		if !r.State.Is(types.SpecStateFailureStates) {
			return ""
		}
		message = "The spec ended as " + r.State.String() + "."
	}
	if r.State == types.SpecStatePanicked && r.Failure.ForwardedPanic != "" && !strings.Contains(message, r.Failure.ForwardedPanic) {
		message = fmt.Sprintf("The spec panicked: %s\n\n%s", r.Failure.ForwardedPanic, learnerFrames(r.Failure.Location.FullStackTrace))
	}
	for _, e := range r.ReportEntries {
		if e.Name != stuckEntry {
			continue
		}
		stuck := e.StringRepresentation()
		switch {
		case bareTimeout.MatchString(message):
			// Ginkgo's own words say nothing of the learner's code.
			message = stuck + "\n(Ginkgo: " + message + ")"
		case !strings.Contains(message, stuckHeading):
			message = strings.TrimRight(message, "\n") + "\n\n" + stuck
		}
		break
	}
	if !hasSection(message) && len(r.Labels()) > 0 {
		message = strings.TrimRight(message, "\n") + "\n" + See(r.Labels()[0])
	}
	return relative(sectionLast(message))
}

// sectionRef is how See names a section.
var sectionRef = regexp.MustCompile(`\(Read [^()]+, section "[^"]+"\.\)`)

// sectionLast moves the section to read to the end of message, on a line
// of its own, where it cannot be missed under a long description.
func sectionLast(message string) string {
	loc := sectionRef.FindStringIndex(message)
	if loc == nil || strings.TrimSpace(message[loc[1]:]) == "" {
		return message
	}
	see := message[loc[0]:loc[1]]
	rest := strings.TrimRight(message[:loc[0]], " ") + message[loc[1]:]
	return strings.TrimRight(rest, "\n ") + "\n" + see
}

// relative shortens the absolute paths of the repository's files in
// message (a fake clock's "armed at", a panic's frames) to paths from the
// repository's root.
func relative(message string) string {
	root := moduleRoot()
	if root == "" || root == "/" || root == "." {
		return message
	}
	return strings.ReplaceAll(message, filepath.ToSlash(root)+"/", "")
}

// guardNodes watches every node of the suite (setup, spec, cleanup): if
// one is still running past the harness's budget (it blocks outside the
// harness's waits, where nothing gives up for it), the watch records,
// before Ginkgo's own timeout, where the learner's code is stuck; and a
// node that fails late (a spec's own wait ran out) records it too. Explain
// then puts those words in place of Ginkgo's bare "A spec timeout
// occurred". The node itself runs on Ginkgo's goroutine, as always.
func guardNodes() types.AroundNodeDecorator {
	return ginkgo.AroundNode(func(ctx context.Context, body func(context.Context)) {
		began := time.Now()
		// The harness's own waits end at Budget; cleanups have a node
		// timeout of Budget+1s; the spec as a whole has Timeout.
		deadline := began.Add(Budget + Budget/4)
		if start := ginkgo.CurrentSpecReport().StartTime; !start.IsZero() {
			if end := start.Add(time.Duration(Timeout) - Budget/4); end.Before(deadline) && end.After(began) {
				deadline = end
			}
		}
		step := guard.Goroutine()
		stop := guard.Watch(deadline, func() { recordStuck(time.Since(began), step) })
		// A node Ginkgo cannot time out (a spec whose function takes no
		// SpecContext has no time limit) would hang the suite for good:
		// past the spec's whole timeout and grace period, with its context
		// still live, it is reported as timed out and the suite stops.
		stopHard := guard.Watch(began.Add(time.Duration(Timeout)+2*time.Second), func() {
			if ctx.Err() == nil && ginkgo.CurrentSpecReport().LeafNodeType == types.NodeTypeIt {
				abandonStuck(time.Since(began), step)
			}
		})
		finished := false
		defer func() {
			stopHard()
			stop()
			if !finished && time.Since(began) >= Budget/2 && !hasEntry(stuckEntry) {
				// The node failed (or panicked) late: learner code is
				// probably stuck, and still is. No recover here: Ginkgo
				// sees the panic as it was.
				if stuck := stuckNow(); stuck != "" {
					ginkgo.AddReportEntry(stuckEntry, stuck, ginkgo.ReportEntryVisibilityFailureOrVerbose)
				}
			}
		}()
		body(ctx)
		finished = true
	})
}

// hasEntry reports whether the running spec has a report entry named name.
func hasEntry(name string) bool {
	for _, e := range ginkgo.CurrentSpecReport().ReportEntries {
		if e.Name == name {
			return true
		}
	}
	return false
}

// recordStuck records, for the node running on goroutine step, that it has
// run past every wait's budget, and where the learner's code is stuck.
func recordStuck(after time.Duration, step int) {
	message := fmt.Sprintf("The spec was still running %v after this step began, though each of its waits gives up "+
		"after %v: something blocks outside those waits and does not heed the spec's context (a call of yours made "+
		"directly by the spec, a receive, a send or a lock nothing will release).", after.Round(time.Millisecond), Budget)
	if stuck := whereStuck(step); stuck != "" {
		message += "\n\n" + stuck
	}
	ginkgo.AddReportEntry(stuckEntry, message, ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// whereStuck says where the learner's goroutines are blocked or, if none
// is, where the spec's own goroutine step is.
func whereStuck(step int) string {
	dump := allStacks()
	stuck := hangreport.Describe(dump, hangreport.Options{Package: learnerCode, Root: moduleRoot(), Skip: aliveBefore()})
	if stuck == "" {
		// No goroutine of the learner's is blocked: say where the spec
		// itself is.
		var only []hangreport.Goroutine
		for _, g := range hangreport.Parse(dump) {
			if g.ID == step {
				only = append(only, g)
			}
		}
		for _, s := range hangreport.Find(only, hangreport.Options{Package: "autoroute/specs/", Root: moduleRoot()}) {
			stuck = "The spec itself is blocked " + s.Operation + " at " + s.Where + "."
		}
	}
	return stuck
}

// abandonStuck ends the suite on a spec that Ginkgo cannot stop (its
// function takes no SpecContext) and that has run past its timeout: the
// spec is reported as timed out, with where the code is stuck and the
// section to read (to the grader on its channel, to a person on standard
// output), and the process exits, since the spec's goroutine will never
// return. The grader runs the remaining specs in a process of their own.
func abandonStuck(after time.Duration, step int) {
	r := ginkgo.CurrentSpecReport()
	message := fmt.Sprintf("The spec was still running %v after it began, and nothing could stop it: its function takes "+
		"no SpecContext, so it has no time limit (every spec takes one: It(\"...\", func(spec SpecContext) {...}, "+
		"harness.Timeout)). The suite stopped here.", after.Round(time.Millisecond))
	if stuck := whereStuck(step); stuck != "" {
		message += "\n\n" + stuck
	}
	if labels := r.Labels(); len(labels) > 0 && !hasSection(message) {
		message += "\n" + See(labels[0])
	}
	message = relative(sectionLast(message))
	results.mu.Lock()
	if graded() {
		mark(wire.Finish, results.seq)
		send(wire.End, wire.Ended{Seq: results.seq, Spec: r.FullText(), Labels: r.Labels(), State: types.SpecStateTimedout.String(),
			Reason: wire.ReasonTimeout, Message: message, Location: r.LeafNodeLocation.String()})
	}
	results.mu.Unlock()
	if dir := os.Getenv(raceLogEnv); dir != "" {
		os.Remove(filepath.Join(dir, raceRunningFile)) // said here: the first process need not say it died (racelog.go)
	}
	fmt.Fprintf(os.Stdout, "\n%s:%d: %s\nTimed out: %s\n", filepath.Base(r.LeafNodeLocation.FileName),
		r.LeafNodeLocation.LineNumber, r.FullText(), message)
	os.Exit(1)
}
