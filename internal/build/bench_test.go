package build

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkBuildExample builds the example briefing at the repository root
// from disk and writes it, as `briefing build` does.
func BenchmarkBuildExample(b *testing.B) {
	echarts := echartsForTest(b)
	out := filepath.Join(b.TempDir(), "output")
	b.ReportAllocs()
	for b.Loop() {
		root, err := os.OpenRoot("../..")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Build(root.FS(), Options{ECharts: echarts})
		root.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(out, res.Files); err != nil {
			b.Fatal(err)
		}
	}
}
