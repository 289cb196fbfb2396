package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ginkgoReport is the part of Ginkgo's JSON report (an array of these)
// that the runner reads. Local types, so that the CLI does not link Ginkgo.
type ginkgoReport struct {
	SpecReports []ginkgoSpec `json:"SpecReports"`
}

type ginkgoSpec struct {
	ContainerHierarchyTexts  []string   `json:"ContainerHierarchyTexts"`
	ContainerHierarchyLabels [][]string `json:"ContainerHierarchyLabels"`
	LeafNodeType             string     `json:"LeafNodeType"`
	LeafNodeText             string     `json:"LeafNodeText"`
	LeafNodeLabels           []string   `json:"LeafNodeLabels"`
	LeafNodeLocation         struct {
		FileName   string `json:"FileName"`
		LineNumber int    `json:"LineNumber"`
	} `json:"LeafNodeLocation"`
	State string `json:"State"`
}

// fullText is Ginkgo's SpecReport.FullText: the non-empty texts of the
// containers and the leaf, joined by spaces.
func (s ginkgoSpec) fullText() string {
	var texts []string
	for _, t := range append(append([]string{}, s.ContainerHierarchyTexts...), s.LeafNodeText) {
		if t != "" {
			texts = append(texts, t)
		}
	}
	return strings.Join(texts, " ")
}

// firstLabel is the first of Ginkgo's SpecReport.Labels: the outermost
// container's first label, else the leaf's.
func (s ginkgoSpec) firstLabel() string {
	for _, labels := range s.ContainerHierarchyLabels {
		if len(labels) > 0 {
			return labels[0]
		}
	}
	if len(s.LeafNodeLabels) > 0 {
		return s.LeafNodeLabels[0]
	}
	return ""
}

// readSpecs reads the specs a Ginkgo JSON report lists (leaving out those
// a filter skipped), in the order the suite defines them.
func readSpecs(report string) ([]Spec, error) {
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, err
	}
	var reports []ginkgoReport
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("reading Ginkgo's report: %w", err)
	}
	type located struct {
		spec Spec
		file string
		line int
	}
	var all []located
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != "It" || s.State == "skipped" {
				continue
			}
			spec := Spec{Name: s.LeafNodeText, FullText: s.fullText(), Status: NotRun, Exercise: s.firstLabel()}
			all = append(all, located{spec, s.LeafNodeLocation.FileName, s.LeafNodeLocation.LineNumber})
		}
	}
	less := func(a, b located) bool {
		if a.file != b.file {
			return a.file < b.file
		}
		return a.line < b.line
	}
	for i := 1; i < len(all); i++ { // a stable insertion sort: specs at one line keep their order
		for j := i; j > 0 && less(all[j], all[j-1]); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	specs := make([]Spec, len(all))
	for i, l := range all {
		specs[i] = l.spec
	}
	return specs, nil
}

// list asks the suite for its specs, in definition order, without running
// them.
// A suite that cannot even list its specs (it crashes or hangs while the
// test binary starts, in an init function say) did not start: that is the
// code misbehaving, reported in startError, not an error of the run.
func list(ctx context.Context, opts Options, binary, tmp string) (specs []Spec, startError string, err error) {
	report := filepath.Join(tmp, "specs-"+string(opts.Solution)+".json")
	os.Remove(report)
	args := append([]string{"-test.count=1", "-ginkgo.dry-run", "-ginkgo.no-color", "-ginkgo.json-report=" + report}, opts.filters()...)
	listCtx, cancel := context.WithTimeout(ctx, opts.Budget)
	defer cancel()
	cmd := exec.CommandContext(listCtx, binary, args...)
	cmd.Dir = filepath.Join(opts.Root, opts.Lesson.SpecDir())
	cmd.WaitDelay = waitDelay
	sandbox, err := newSandbox(tmp)
	if err != nil {
		return nil, "", err
	}
	defer sandbox.remove()
	cmd.Env = sandbox.env(opts, "")
	var output bytes.Buffer
	out := &capped{w: &output, limit: 1 << 20}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		out.flush()
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		if listCtx.Err() != nil {
			return nil, fmt.Sprintf("The test process did not start its specs within %v and was stopped: something "+
				"blocks while the package loads (an init function or a package-level variable that never finishes?).", opts.Budget), nil
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return nil, "", fmt.Errorf("listing the %s specs: %w", opts.Lesson.ID, err)
		}
	}
	if _, statErr := os.Stat(report); statErr != nil {
		out.flush()
		return nil, "The test process ended before running any spec. Its last words:\n" + tail(output.String(), 40), nil
	}
	specs, err = readSpecs(report)
	if err != nil {
		return nil, "", fmt.Errorf("listing the %s specs: %w", opts.Lesson.ID, err)
	}
	return specs, "", nil
}
