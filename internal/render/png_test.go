package render

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/briefing-dev/briefing/internal/render/raster"
)

// TestPNGChartTypes draws every chart type to PNG, through the SVG, and
// checks what a reader of the email would see: an image of twice the CSS
// size, mostly white, with series colours where the data is.
func TestPNGChartTypes(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	for _, tc := range testCharts {
		t.Run(tc.name, func(t *testing.T) {
			c := bind(t, tables, tc.name, tc.src)
			svg, err := r.SVG(c.Option, 600, 400)
			if err != nil {
				t.Fatal(err)
			}
			b, err := raster.PNG(svg, 2)
			if err != nil {
				t.Fatalf("PNG: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got := img.Bounds().Size(); got != (image.Point{1200, 800}) {
				t.Fatalf("size %v, want 1200×800 (600×400 at 2×)", got)
			}
			white, palette := 0, 0
			for y := 0; y < 800; y += 2 {
				for x := 0; x < 1200; x += 2 {
					rr, gg, bb, _ := img.At(x, y).RGBA()
					r8, g8, b8 := rr>>8, gg>>8, bb>>8
					switch {
					case r8 > 245 && g8 > 245 && b8 > 245:
						white++
					case max(r8, g8, b8)-min(r8, g8, b8) > 30:
						palette++ // saturated: series colours (or their tint), not grey axes and text
					}
				}
			}
			total := 600 * 400
			if white < total/3 {
				t.Errorf("only %d of %d sampled pixels are white: the background is not", white, total)
			}
			if palette < total/200 {
				t.Errorf("only %d sampled pixels carry the series colours: the data was not drawn", palette)
			}
		})
	}
}
