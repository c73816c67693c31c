package render

import (
	"image"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/render/fonts"
	"github.com/briefing-dev/briefing/internal/render/raster"
	"github.com/briefing-dev/briefing/internal/table"
)

// needCJK skips the test when no system font has CJK glyphs, unless
// BRIEFING_REQUIRE_CJK_FONT=1 (CI) makes that a failure.
func needCJK(t *testing.T) {
	t.Helper()
	if m := fonts.Default().Missing("東京物流"); len(m) > 0 {
		msg := "no system font has CJK glyphs: apt-get install fonts-noto-cjk"
		if os.Getenv("BRIEFING_REQUIRE_CJK_FONT") == "1" {
			t.Fatal(msg + " (BRIEFING_REQUIRE_CJK_FONT=1)")
		}
		t.Skip(msg)
	}
}

// scriptChart is a bar chart whose category labels are in Japanese,
// Russian and German.
func scriptChart(t *testing.T) []byte {
	t.Helper()
	fsys := fstest.MapFS{"data/r.csv": {Data: []byte("customer,spend\n東京物流,5000000\nМосква Банк,3000000\nZürich Rück,2000000\n")}}
	tb, err := table.Load(fsys, table.Spec{Name: "regions", File: "data/r.csv", Columns: map[string]table.Kind{"spend": table.Money}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	c := bind(t, map[string]*table.Table{"regions": tb}, "regions", "type = \"bar\"\ntable = \"regions\"\nx = \"customer\"\ny = \"spend\"\ntitle = \"Спрос по городам 東京\"\n")
	return c.Option
}

// ink counts the pixels of img inside r that are not white.
func ink(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			o := img.PixOffset(x, y)
			if img.Pix[o] < 200 || img.Pix[o+1] < 200 || img.Pix[o+2] < 200 {
				n++
			}
		}
	}
	return n
}

// differ counts the pixels inside r where a and b differ.
func differ(a, b *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			o := a.PixOffset(x, y)
			if a.Pix[o] != b.Pix[o] || a.Pix[o+1] != b.Pix[o+1] || a.Pix[o+2] != b.Pix[o+2] {
				n++
			}
		}
	}
	return n
}

// A PNG of a chart whose labels are in CJK and Cyrillic draws their
// glyphs: the label area differs from the same SVG drawn with fonts that
// have only the empty box for CJK, and the fonts that draw it have every
// character of the chart.
func TestPNGDrawsEveryScript(t *testing.T) {
	needCJK(t)
	option := scriptChart(t)
	if m := MissingGlyphs(option, nil); len(m) > 0 {
		t.Fatalf("characters without a font: %+v", m)
	}
	goOnly, err := fonts.NewSet(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if m := MissingGlyphs(option, goOnly); len(m) != 2 || m[0].Text != "Спрос по городам 東京" || m[1].Text != "東京物流" {
		t.Errorf("without fallback, missing = %+v, want the title and the CJK label", m)
	}
	r := renderer(t)
	svg, err := r.SVGWith(option, 600, 400, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"東京物流", "Москва Банк", "Zürich Rück"} {
		if !hasText(texts(t, svg), want) {
			t.Errorf("no text %q in the SVG", want)
		}
	}
	drawn, err := raster.RasterizeWith(svg, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := raster.RasterizeWith(svg, 2, goOnly)
	if err != nil {
		t.Fatal(err)
	}
	// The category labels sit under the plot: the bottom fifth of the
	// image, in thirds from left to right (東京物流, Москва Банк, Zürich Rück).
	b := drawn.Bounds()
	third := func(i int) image.Rectangle {
		return image.Rect(b.Dx()*i/3, b.Dy()*4/5, b.Dx()*(i+1)/3, b.Dy())
	}
	if n := ink(drawn, third(0)); n < 100 {
		t.Errorf("the CJK label area has %d inked pixels: nothing drawn", n)
	}
	if n := differ(drawn, boxes, third(0)); n < 100 {
		t.Errorf("the CJK label differs from empty boxes in only %d pixels", n)
	}
	for i := 1; i < 3; i++ { // the Go fonts have Cyrillic and Latin: the same pixels
		if n := differ(drawn, boxes, third(i)); n != 0 {
			t.Errorf("label %d: %d pixels differ, though the Go fonts draw it either way", i, n)
		}
		if n := ink(drawn, third(i)); n < 100 {
			t.Errorf("label %d has %d inked pixels", i, n)
		}
	}
}

// A glyph no font has is found, with the text it is in.
func TestMissingGlyphs(t *testing.T) {
	goOnly, _ := fonts.NewSet(nil, false)
	option := []byte(`{"title":{"text":"Sales 東京"},"东京":"not drawn: a key","series":[{"name":"Zürich","data":["東京","東京",1]}]}`)
	m := MissingGlyphs(option, goOnly)
	if len(m) != 2 || m[0].Text != "Sales 東京" || m[1].Text != "東京" || string(m[1].Runes) != "東京" {
		t.Errorf("MissingGlyphs = %+v, want the title and the label once each", m)
	}
	if m := MissingGlyphs([]byte(`{"a":"\u0378 unassigned"}`), nil); len(m) != 1 || !strings.Contains(string(m[0].Runes), "\u0378") {
		t.Errorf("an unassigned character: %+v", m)
	}
}
