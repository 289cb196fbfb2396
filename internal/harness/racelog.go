package harness

// A learner's plain `go test -race ./specs/<lesson>/` shows a data race in
// the words `autoroute check` uses: the two lines that raced, in the
// learner's code, and the section to read, on the spec it happened in;
// with -v, the race detector's own report under them.
//
// The race detector writes its reports where GORACE's log_path says, and
// reads GORACE once, when the process starts: a suite cannot send its own
// reports elsewhere, and nothing tells it a race happened. So a lesson's
// suite built with -race and run by a person (no grader, no -ginkgo.* flag)
// runs itself again, once, from init, before the testing package has
// printed anything: the same binary, arguments, standard streams and
// environment, plus GORACE's log_path pointing into a private temporary
// folder (the person's own GORACE options kept) and raceLogEnv naming that
// folder. That second process is the suite: it reads the folder's report
// as each spec ends, pins what it finds on that spec, and rewrites it with
// package racereport. The first process only waits for it, forwards the
// signals go test sends (SIGQUIT at -timeout, SIGTERM), prints any report
// the suite could not (it died first), removes the folder, and exits with
// the suite's status.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"autoroute/internal/racereport"
	"autoroute/internal/wire"
)

// raceLogEnv names, in the re-executed suite, the folder its race reports
// go to. It is also the mark that stops the suite from running itself again.
const raceLogEnv = "AUTOROUTE_RACE_LOG"

// raceLogBase is log_path's file name in that folder; the race detector
// adds ".<pid>".
const raceLogBase = "race"

// raceShownFile is where the suite writes how much of the log it reported,
// so that the first process prints only what it did not.
const raceShownFile = "shown"

// raceRunningFile holds, while a spec runs, the lesson text, the spec's
// exercise and its text, one a line: if the suite dies, the first process
// says which spec it died in and what to read.
const raceRunningFile = "running"

const raceSeparator = "=================="

func init() {
	if raceBuild {
		reexecForRaces()
	}
}

// suiteCourse is the import path of the course a lesson's suite belongs to
// ("autoroute" for autoroute/specs/runtime's test binary), and whether this
// binary is a lesson's suite at all.
func suiteCourse() (string, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok || !strings.HasSuffix(info.Path, ".test") {
		return "", false
	}
	i := strings.LastIndex(info.Path, "/specs/")
	if i < 0 {
		return "", false
	}
	return info.Path[:i], true
}

// learnerPackages is the import path prefix of the learner's packages: the
// solutions/ folder beside the specs/ folder of the running suite.
func learnerPackages() string {
	if c, ok := suiteCourse(); ok {
		return c + "/solutions/"
	}
	return "autoroute/solutions/"
}

// reexecForRaces runs the suite again with its race reports sent to a
// private folder, and exits with its status; it returns, and the suite runs
// in this process as before, when that is not wanted or not possible.
func reexecForRaces() {
	if os.Getenv(raceLogEnv) != "" || os.Getenv(wire.ResultsEnv) != "" {
		return // the re-executed suite itself, or the grader's runner (it reads the reports itself)
	}
	if _, ok := suiteCourse(); !ok {
		return
	}
	for _, arg := range os.Args[1:] {
		if strings.HasPrefix(arg, "-ginkgo.") || strings.HasPrefix(arg, "--ginkgo.") {
			return // Ginkgo's own report was asked for: the detector's too
		}
	}
	gorace := os.Getenv("GORACE")
	for _, f := range strings.Fields(gorace) {
		if strings.HasPrefix(f, "log_path=") {
			return // the person sends the reports somewhere of their own
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	dir, err := os.MkdirTemp("", "autoroute-race-")
	if err != nil {
		return
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), raceLogEnv+"="+dir, "GORACE="+childRaceOptions(gorace, dir))
	cmd.SysProcAttr = childAttr()
	// A terminal's Ctrl-C reaches both processes already: only what go
	// test sends to its test binary alone is forwarded.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGQUIT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		signal.Stop(signals)
		os.RemoveAll(dir)
		return
	}
	go func() {
		for s := range signals {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	signal.Stop(signals)
	printUnshown(dir, cmd.Process.Pid)
	os.RemoveAll(dir)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		code = 1
	}
	// syscall.Exit, not os.Exit: this process ran nothing to report, and
	// os.Exit would let the race detector sleep its exit delay here.
	syscall.Exit(code)
}

// childRaceOptions is the re-executed suite's GORACE: the person's options,
// the log in dir, and no exit delay unless the person chose one (the delay
// lets late reports out; the first process prints those).
func childRaceOptions(gorace, dir string) string {
	path := filepath.Join(dir, raceLogBase)
	if strings.ContainsAny(path, " \t'\"") {
		path = strconv.Quote(path)
	}
	opts := strings.Fields(gorace)
	if !strings.Contains(gorace, "atexit_sleep_ms=") {
		opts = append(opts, "atexit_sleep_ms=0")
	}
	return strings.Join(append(opts, "log_path="+path), " ")
}

// printUnshown prints, on standard error, what the suite could not report
// itself: that it died while a spec ran (the runtime has printed why: a
// panic on a goroutine of the learner's, say), which section to read, and
// the race reports it had not shown (it died, or they came after its
// report), in words.
func printUnshown(dir string, pid int) {
	data, _ := os.ReadFile(filepath.Join(dir, raceLogBase+"."+strconv.Itoa(pid)))
	if shown, err := os.ReadFile(filepath.Join(dir, raceShownFile)); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(shown))); err == nil && n >= 0 && n <= len(data) {
			data = data[n:]
		}
	}
	raw := ""
	if bytes.Contains(data, []byte("WARNING: DATA RACE")) {
		raw = strings.TrimRight(string(data), "\n")
	}
	words := ""
	if raw != "" {
		words = racereport.Rewrite(raw, racereport.Options{Package: learnerCode, Root: moduleRoot()})
		if words == "" || verboseArgs() {
			words = strings.TrimLeft(words+"\n\nThe race detector's own report:\n"+relative(raw), "\n")
		}
	}
	running, _ := os.ReadFile(filepath.Join(dir, raceRunningFile))
	if readme, rest, ok := strings.Cut(string(running), "\n"); ok {
		exercise, spec, _ := strings.Cut(rest, "\n")
		fmt.Fprintf(os.Stderr, "\nThe test process died while this spec ran: %s.\n", spec)
		if words != "" {
			fmt.Fprintf(os.Stderr, "The race detector saw this before it died:\n%s\n", words)
		}
		if exercise != "" {
			fmt.Fprintf(os.Stderr, "(Read %s, section %q.)\n", readme, exercise)
		}
		return
	}
	if words != "" {
		fmt.Fprintf(os.Stderr, "The race detector reported this after the suite's own report:\n%s\n", words)
	}
}

// verboseArgs reports whether go test was asked for -v.
func verboseArgs() bool {
	for _, arg := range os.Args[1:] {
		if v, ok := strings.CutPrefix(strings.TrimLeft(arg, "-"), "test.v"); ok && (v == "" || v == "=true" || v == "=test2json") {
			return true
		}
	}
	return false
}

// raceLog reads, in the re-executed suite, the race detector's reports and
// pins each on the spec that was running.
type raceLog struct {
	dir, path string
	offset    int
	bySpec    map[string]string // specKey -> the reports while it ran
	outside   string            // reports before the first spec
	last      string            // the spec that ended last
}

// openRaceLog returns the race log of this process, or nil when this is not
// the re-executed suite of a learner's run.
func openRaceLog() *raceLog {
	dir := os.Getenv(raceLogEnv)
	if dir == "" {
		return nil
	}
	return &raceLog{dir: dir, path: filepath.Join(dir, raceLogBase+"."+strconv.Itoa(os.Getpid())), bySpec: map[string]string{}}
}

// watch pins the reports on specs: a report written while a spec ran is that
// spec's; one written between two specs belongs to the earlier (goroutines
// it started were still at work).
func (l *raceLog) watch(readme string) {
	running := filepath.Join(l.dir, raceRunningFile)
	ginkgo.ReportBeforeEach(func(r ginkgo.SpecReport) {
		l.pin()
		exercise := ""
		if labels := r.Labels(); len(labels) > 0 {
			exercise = labels[0]
		}
		os.WriteFile(running, []byte(readme+"\n"+exercise+"\n"+r.FullText()), 0o600)
	})
	ginkgo.ReportAfterEach(func(r ginkgo.SpecReport) {
		os.Remove(running)
		l.last = specKey(r)
		l.pin()
	})
}

func specKey(r types.SpecReport) string {
	return r.LeafNodeLocation.String() + "\x00" + r.FullText()
}

// pin gives the reports written since the last call to the spec that ended
// last.
func (l *raceLog) pin() {
	text := l.take()
	if !strings.Contains(text, "WARNING: DATA RACE") {
		return
	}
	if l.last == "" {
		l.outside += text
		return
	}
	l.bySpec[l.last] += text
}

// take returns the whole reports written since the last call. The race
// detector frames each between two lines of "="; a report still being
// written is left for the next call.
func (l *raceLog) take() string {
	f, err := os.Open(l.path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(int64(l.offset), io.SeekStart); err != nil {
		return ""
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return ""
	}
	n := wholeReports(data)
	l.offset += n
	return string(data[:n])
}

// wholeReports is the length of data's leading whole reports.
func wholeReports(data []byte) int {
	end, seps := 0, 0
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		line := data[i : i+j]
		i += j + 1
		if bytes.HasPrefix(line, []byte(raceSeparator)) {
			seps++
			if seps%2 == 0 {
				end = i
			}
		}
	}
	return end
}

// close takes the last reports and records how much of the log the suite
// reported.
func (l *raceLog) close() {
	l.pin()
	os.WriteFile(filepath.Join(l.dir, raceShownFile), []byte(strconv.Itoa(l.offset)), 0o600)
}

// explainRace is what a learner reads of the race reports raw: the race in
// words, the section to read (unless withSection is false: the spec's own
// failure names it), and the detector's own report when verbose.
func (run *learnerRun) explainRace(raw, exercise string, section bool) string {
	words := racereport.Rewrite(raw, racereport.Options{Package: learnerCode, Root: run.root})
	if words == "" {
		words = "The race detector found a data race, in code that is not yours."
	}
	if run.verbose {
		words += "\n\nThe race detector's own report:\n" + strings.TrimRight(relative(raw), "\n")
	} else {
		words += "\n(go test -v shows the race detector's own report.)"
	}
	if section && exercise != "" && run.readme != "" {
		words += "\n" + fmt.Sprintf("(Read %s, section %q.)", run.readme, exercise)
	}
	return words
}

// raceOf applies the race reports pinned on r, if any, to s.
func (run *learnerRun) raceOf(r types.SpecReport, s *specResult) {
	if run.races == nil {
		return
	}
	raw := run.races.bySpec[specKey(r)]
	if raw == "" {
		return
	}
	exercise := ""
	if labels := r.Labels(); len(labels) > 0 {
		exercise = labels[0]
	}
	if s.passed {
		s.passed, s.state = false, "race"
		s.message = run.explainRace(raw, exercise, true)
		return
	}
	s.message = sectionLast(strings.TrimRight(s.message, "\n") + "\n\nThe race detector also found a data race while this spec ran:\n" +
		run.explainRace(raw, exercise, false))
}
