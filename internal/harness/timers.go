package harness

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"

	"autoroute/fakes/clock"
	"autoroute/internal/wire"
)

// watch is the fake clocks the running spec asked the harness to check
// when it ends, and the ones it excused.
var watch struct {
	sync.Mutex
	clocks []*watchedClock
}

type watchedClock struct {
	clk     *clock.Fake
	allowed string // why the spec may leave timers on it; "" means it may not
}

// NewClock returns a new fake clock (see clock.NewFake) that the harness
// checks when the spec ends: no timer, ticker, AfterFunc or context
// deadline armed by learner code may still be pending on it. Use it in
// place of clock.NewFake in a spec (or a BeforeEach).
func NewClock(opts ...clock.Option) *clock.Fake {
	return Watch(clock.NewFake(opts...))
}

// Watch registers clk for the end-of-spec check NewClock describes, and
// returns it. Watching a clock twice is harmless.
func Watch(clk *clock.Fake) *clock.Fake {
	watch.Lock()
	defer watch.Unlock()
	if !slices.ContainsFunc(watch.clocks, func(w *watchedClock) bool { return w.clk == clk }) {
		watch.clocks = append(watch.clocks, &watchedClock{clk: clk})
	}
	return clk
}

// AllowPendingTimers excuses clk from the end-of-spec check for the running
// spec, for a spec that legitimately ends with learner timers armed (the
// code that would stop them is a later exercise, or the spec stops the clock
// mid-operation on purpose). why says which, for whoever reads the spec.
func AllowPendingTimers(clk *clock.Fake, why string) {
	if why == "" {
		why = "(no reason given)"
	}
	watch.Lock()
	defer watch.Unlock()
	for _, w := range watch.clocks {
		if w.clk == clk {
			w.allowed = why
			return
		}
	}
	watch.clocks = append(watch.clocks, &watchedClock{clk: clk, allowed: why})
}

// resetWatch forgets the previous spec's clocks.
func resetWatch() {
	watch.Lock()
	watch.clocks = nil
	watch.Unlock()
}

// checkTimers fails the spec if learner code left timers pending on a
// watched clock. It runs after the goroutine check: the learner's
// goroutines have ended by then, so any deferred Stop they had has run.
//
// A spec that excused a package's goroutines (TolerateGoroutinesFrom: the
// code that would stop them is still a stub) excuses its timers too: the
// same missing code would have stopped them.
func checkTimers() {
	if tolerated.Load() != nil {
		return
	}
	watch.Lock()
	clocks := slices.Clone(watch.clocks)
	watch.Unlock()
	var left []string
	kinds := map[clock.Kind]bool{}
	for _, w := range clocks {
		if w.allowed != "" {
			continue
		}
		for _, p := range w.clk.Pending() {
			site := p.ArmedAt()
			rel, ok := learnerSite(site)
			if !ok {
				continue
			}
			kinds[p.Kind] = true
			line := fmt.Sprintf("  %s of %v", p.Kind, p.Duration)
			if p.Period > 0 {
				line += fmt.Sprintf(" (every %v)", p.Period)
			}
			left = append(left, line+", armed at "+rel)
		}
	}
	if len(left) == 0 {
		return
	}
	// Like a goroutine, the timer outlived the operation that made it: the
	// runner reports the spec as "leaked", and the message says what.
	diagnose(wire.ReasonLeak)
	ginkgo.Fail(fmt.Sprintf("The spec ended, but your code left %d timer(s) armed on the fake clock:\n%s\n\n"+
		"Every timer your code arms must be stopped once nobody will wait for it, or it outlives the "+
		"operation that made it (and, on the real clock, keeps its memory and may fire into code that "+
		"has moved on). %s %s", len(left), strings.Join(left, "\n"), advice(kinds), See(current())))
}

// advice says how to stop the kinds of timer that were left.
func advice(kinds map[clock.Kind]bool) string {
	var say []string
	if kinds[clock.KindTimer] || kinds[clock.KindFunc] {
		say = append(say, "stop a timer when you are done with it (t := clk.NewTimer(d); defer t.Stop(), "+
			"and the same for AfterFunc's; a deadline set on a connection is armed until the connection "+
			"is closed or the deadline cleared with SetDeadline(time.Time{}))")
	}
	if kinds[clock.KindTicker] {
		say = append(say, "stop a ticker when its loop ends (defer ticker.Stop())")
	}
	if kinds[clock.KindDeadline] {
		say = append(say, "call the cancel function of every WithTimeout or WithDeadline "+
			"(ctx, cancel := clk.WithTimeout(ctx, d); defer cancel()), even when the work finished in time")
	}
	if kinds[clock.KindSleep] {
		say = append(say, "do not leave a goroutine sleeping on the clock: wait in a select on a timer and ctx.Done()")
	}
	if len(say) == 0 {
		return ""
	}
	s := strings.Join(say, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// root is the module root as the compiler recorded this file's path (an
// absolute path, or "autoroute/" under -trimpath).
var root = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return strings.TrimSuffix(filepath.ToSlash(file), "internal/harness/timers.go")
}()

// learnerSite reports whether site, a file:line from ArmedAt, is in learner
// code: a non-test file under a folder named solutions (solutions/<package>
// in the course, and its fixtures' own), relative to the module root. It
// returns the site relative to the root. go test -overlay keeps the path of
// the file it replaces, so an overlaid reference still counts.
// A timer armed while 1024 or more were pending has no recorded site
// (see clock.Pending.ArmedAt): it is not blamed on anyone.
func learnerSite(site string) (string, bool) {
	site = filepath.ToSlash(site)
	if root == "" || !strings.HasPrefix(site, root) {
		return site, false
	}
	rel := strings.TrimPrefix(site, root)
	file := rel
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		file = file[:i]
	}
	if strings.HasSuffix(file, "_test.go") {
		return rel, false
	}
	return rel, slices.Contains(strings.Split(filepath.ToSlash(filepath.Dir(file)), "/"), "solutions")
}
