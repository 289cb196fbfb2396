package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The CLI must compile in seconds on a cold machine: it links the standard
// library, YAML and fsnotify (with the x/sys it needs), and nothing of the
// specs' world (Ginkgo, Gomega, x/tools), which only the test binaries it
// builds link.
func TestTheCLILinksOnlyASmallSetOfModules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	allowed := []string{"autoroute/", "go.yaml.in/yaml/", "github.com/fsnotify/fsnotify", "golang.org/x/sys/"}
	for _, pkg := range strings.Fields(string(out)) {
		ok := false
		for _, prefix := range allowed {
			ok = ok || strings.HasPrefix(pkg, prefix)
		}
		if !ok {
			t.Errorf("the CLI links %s: keep it to the standard library, YAML and fsnotify (read what you need of a Ginkgo report with local types, as internal/runner/ginkgo.go does)", pkg)
		}
	}
}
