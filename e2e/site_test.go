// Package e2e holds end-to-end tests: they build whole briefings in-process
// and check the output as a reader gets it, as raw HTML and in a real
// browser.
package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
)

// exampleDir is the example briefing at the repository root.
const exampleDir = ".."

// hostileDir is a briefing whose customer names try to run script.
const hostileDir = "testdata/hostile"

// The three hostile customer names in testdata/hostile/data/customers.csv.
// Each would run script if the page or the chart library put it into
// HTML or JavaScript without escaping; each sets window.pwned if it does.
const (
	nameScript = `</script><script>window.pwned=1</script>`
	nameFunc   = `__f__window.pwned=2__f__`
	nameImg    = `<img src=x onerror=window.pwned=3>`
)

var hostileNames = []string{nameScript, nameFunc, nameImg}

// built is a briefing built and written to disk.
type built struct {
	Result *build.Result
	Out    string // absolute path of the written output
}

// buildSite builds the briefing in dir through an os.Root, as the CLI does,
// and writes it to a fresh temporary folder.
func buildSite(t *testing.T, dir string, opt build.Options) *built {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		t.Fatalf("opening the site %s: %v", abs, err)
	}
	defer root.Close()
	res, err := build.Build(root.FS(), opt)
	if err != nil {
		t.Fatalf("building the site %s: %v", abs, err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := build.Write(out, res.Files); err != nil {
		t.Fatalf("writing the output of %s to %s: %v", abs, out, err)
	}
	return &built{Result: res, Out: out}
}

// buildHostile builds testdata/hostile with the repository's pinned
// ECharts, since the test site has no node_modules of its own.
func buildHostile(t *testing.T) *built {
	t.Helper()
	p := filepath.Join(exampleDir, filepath.FromSlash(build.EChartsDefault))
	js, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("ECharts %s is not installed at %s (run `npm ci` at the repository root): %v", build.EChartsVersion, p, err)
	}
	return buildSite(t, hostileDir, build.Options{ECharts: js})
}
