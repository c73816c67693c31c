// Package exampletest gives tests and benchmarks their own copy of the
// repository's example briefing, to edit and build.
package exampletest

import (
	"os"
	"path/filepath"
	"testing"
)

// Sources are the parts of the example briefing a build reads.
var Sources = []string{"site.toml", "figures.toml", "data", "queries", "charts", "tables", "content", "editions"}

// Copy copies the example briefing at root (the repository's root, as a
// path from the test's package) into a new folder and returns it.
func Copy(tb testing.TB, root string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, d := range Sources {
		from := filepath.Join(root, d)
		info, err := os.Stat(from)
		if err != nil {
			tb.Fatal(err)
		}
		if info.IsDir() {
			err = os.CopyFS(filepath.Join(dir, d), os.DirFS(from))
		} else {
			var b []byte
			if b, err = os.ReadFile(from); err == nil {
				err = os.WriteFile(filepath.Join(dir, d), b, 0o644)
			}
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
