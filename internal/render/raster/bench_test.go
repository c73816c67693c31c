package raster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkRasterize draws each fixture at 2× (1200×800 pixels).
func BenchmarkRasterize(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.svg")
	for _, file := range files {
		svg, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(file), ".svg"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Rasterize(svg, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPNG adds PNG encoding to the bar chart.
func BenchmarkPNG(b *testing.B) {
	svg, err := os.ReadFile("testdata/bar.svg")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PNG(svg, 2); err != nil {
			b.Fatal(err)
		}
	}
}
