package raster

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// TestGenerateFixtures rewrites testdata/*.svg from testdata/charts.json
// with ECharts under node (testdata/gen.js), measuring text with the Go
// fonts as internal/render does. It runs only with RASTER_GEN=1.
func TestGenerateFixtures(t *testing.T) {
	if os.Getenv("RASTER_GEN") != "1" {
		t.Skip("set RASTER_GEN=1 to regenerate the fixture SVGs with node")
	}
	opts, err := os.ReadFile("testdata/charts.json")
	if err != nil {
		t.Fatal(err)
	}
	table, err := widthTable(string(opts))
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "widths.json")
	if err := os.WriteFile(tmp, table, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("node", "testdata/gen.js", tmp, "testdata").CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
}

// widthTable describes the Go fonts for gen.js: glyph indexes of the
// characters the charts may use, advances and kerning pairs in font units.
func widthTable(text string) ([]byte, error) {
	runes := map[rune]bool{'国': true} // ECharts measures it for line height
	for r := rune(32); r < 127; r++ {
		runes[r] = true
	}
	for _, r := range text {
		runes[r] = true
	}
	type face struct {
		Cmap map[string]int `json:"cmap"`
		Adv  map[string]int `json:"adv"`
		Kern map[string]int `json:"kern"`
	}
	table := map[string]any{}
	var upem int
	for _, bold := range []bool{false, true} {
		f, err := fonts.Font(fonts.Spec{Size: 12, Bold: bold})
		if err != nil {
			return nil, err
		}
		upem = int(f.UnitsPerEm())
		ppem := fixed.Int26_6(upem)
		var buf sfnt.Buffer
		fc := face{Cmap: map[string]int{}, Adv: map[string]int{}, Kern: map[string]int{}}
		glyphSet := map[sfnt.GlyphIndex]bool{0: true}
		for r := range runes {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil {
				continue
			}
			fc.Cmap[strconv.Itoa(int(r))] = int(g)
			glyphSet[g] = true
		}
		for g := range glyphSet {
			// At ppem = unitsPerEm (not in 26.6), sfnt returns font units.
			adv, err := f.GlyphAdvance(&buf, g, ppem, 0)
			if err == nil {
				fc.Adv[strconv.Itoa(int(g))] = int(adv)
			}
			for h := range glyphSet {
				if k, err := f.Kern(&buf, g, h, ppem, 0); err == nil && k != 0 {
					fc.Kern[strconv.Itoa(int(g))+","+strconv.Itoa(int(h))] = int(k)
				}
			}
		}
		name := "regular"
		if bold {
			name = "bold"
		}
		table[name] = fc
	}
	table["upem"] = upem
	return json.Marshal(table)
}

// fixture draws testdata/name.svg at 2×.
func fixture(t *testing.T, name string) (*image.RGBA, string) {
	t.Helper()
	svg, err := os.ReadFile(filepath.Join("testdata", name+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := Rasterize(svg, 2)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if img.Bounds() != image.Rect(0, 0, 1200, 800) {
		t.Fatalf("%s: bounds %v", name, img.Bounds())
	}
	return img, string(svg)
}

func hexColor(t *testing.T, s string) color.RGBA {
	t.Helper()
	c, ok := parseColor(s)
	if !ok {
		t.Fatalf("colour %q", s)
	}
	return color.RGBA{uint8(c.r*255 + 0.5), uint8(c.g*255 + 0.5), uint8(c.b*255 + 0.5), 255}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The bars ECharts draws as rectangles (x y, width, height).
var barRe = regexp.MustCompile(`<path d="M([\d.]+) ([\d.]+)l([\d.-]+) 0l0 ([\d.-]+)l[\d.-]+ 0Z" fill="(#[0-9a-fA-F]+)"[^>]*ecmeta_ssr_type="chart"`)

func TestFixtureBars(t *testing.T) {
	for _, name := range []string{"bar", "stacked-bar", "horizontal-bar", "combo"} {
		img, svg := fixture(t, name)
		bars := barRe.FindAllStringSubmatch(svg, -1)
		if len(bars) < 4 {
			t.Errorf("%s: only %d bars found", name, len(bars))
		}
		for _, b := range bars {
			x, y, w, h := num(t, b[1]), num(t, b[2]), num(t, b[3]), num(t, b[4])
			cx, cy := int(2*(x+w/2)), int(2*(y+h/2))
			wantColor(t, img, cx, cy, hexColor(t, b[5]), 0, name+" bar centre")
		}
	}
}

// Pie sectors: from the start point, an arc to the end point, then the
// centre.
var sectorRe = regexp.MustCompile(`<path d="M([\d.]+) ([\d.]+)A([\d.]+) [\d.]+ 0 [01] 1 ([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)Z" fill="(#[0-9a-fA-F]+)"`)

func TestFixturePie(t *testing.T) {
	img, svg := fixture(t, "pie")
	sectors := sectorRe.FindAllStringSubmatch(svg, -1)
	if len(sectors) != 5 {
		t.Fatalf("%d sectors found", len(sectors))
	}
	for _, s := range sectors {
		sx, sy, r := num(t, s[1]), num(t, s[2]), num(t, s[3])
		ex, ey, cx, cy := num(t, s[4]), num(t, s[5]), num(t, s[6]), num(t, s[7])
		a1, a2 := math.Atan2(sy-cy, sx-cx), math.Atan2(ey-cy, ex-cx)
		if a2 < a1 {
			a2 += 2 * math.Pi
		}
		mid := (a1 + a2) / 2
		x, y := cx+r/2*math.Cos(mid), cy+r/2*math.Sin(mid)
		wantColor(t, img, int(2*x), int(2*y), hexColor(t, s[8]), 0, "pie sector "+s[8])
	}
	// The donut: the first sector (North) at 45° up-right, halfway between
	// the radii 80 and 140 around (300, 220); its hole is white.
	donut, _ := fixture(t, "donut")
	x, y := 300+110*math.Cos(-math.Pi/4), 220+110*math.Sin(-math.Pi/4)
	wantColor(t, donut, int(2*x), int(2*y), hexColor(t, "#5470c6"), 0, "donut sector")
	wantColor(t, donut, 600, 440, white, 0, "donut hole")
}

// ECharts' circle symbols: a unit circle scaled by k, white inside, with
// the series colour as a stroke 2 pixels wide along the circle.
var symbolRe = regexp.MustCompile(`transform="matrix\((\d+),0,0,\d+,([\d.]+),([\d.]+)\)" fill="#fff" stroke="(#[0-9a-fA-F]+)"`)

func TestFixtureLine(t *testing.T) {
	for _, name := range []string{"line", "combo"} {
		img, svg := fixture(t, name)
		symbols := symbolRe.FindAllStringSubmatch(svg, -1)
		if len(symbols) < 5 {
			t.Fatalf("%s: %d symbols found", name, len(symbols))
		}
		for _, s := range symbols {
			k, x, y := num(t, s[1]), num(t, s[2]), num(t, s[3])
			wantColor(t, img, int(2*x), int(2*y), white, 0, name+" symbol centre")
			wantColor(t, img, int(2*x), int(2*(y+k)), hexColor(t, s[4]), 0, name+" symbol ring")
		}
	}
	// The dashed split lines of combo (4 on, 2 off, 1px on y = 200.5):
	// at 2×, rows 400–401 alternate 8 pixels of line colour and 4 of white.
	img, _ := fixture(t, "combo")
	line := hexColor(t, "#E0E6F1")
	for x := 120; x < 144; x++ {
		want := white
		if (x-120)%12 < 8 {
			want = line
		}
		wantColor(t, img, x, 400, want, 0, "dashed split line")
	}
}

func TestFixtureMargins(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.svg")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".svg")
		img, _ := fixture(t, name)
		// Nothing is drawn below the axis labels or right of the plot.
		for x := 0; x < 1200; x++ {
			wantColor(t, img, x, 790, white, 0, name+" bottom margin")
		}
		for y := 200; y < 800; y++ {
			wantColor(t, img, 1190, y, white, 0, name+" right margin")
		}
	}
	// The bar chart's title is drawn in #464646 (bold Go) at the top left.
	img, _ := fixture(t, "bar")
	title := image.Rect(10, 10, 340, 46)
	dark := 0
	for y := title.Min.Y; y < title.Max.Y; y++ {
		for x := title.Min.X; x < title.Max.X; x++ {
			if c := at(img, x, y); near(c, hexColor(t, "#464646"), 8) {
				dark++
			}
		}
	}
	if dark < 2000 {
		t.Errorf("title: %d title-coloured pixels", dark)
	}
}

// The gradient area of the area chart runs from rgb(128,255,165) at the
// top of the area to rgb(1,191,236) at the bottom (the x axis, y = 330).
func TestFixtureArea(t *testing.T) {
	img, svg := fixture(t, "area")
	if !strings.Contains(svg, `<linearGradient gradientUnits="objectBoundingBox" x1="0" y1="0" x2="0" y2="1"`) {
		t.Fatal("area.svg has no vertical gradient")
	}
	// Just above the axis, between the other series' area and the axis,
	// the colour is near the bottom stop, seen through the other area.
	c := at(img, 2*300, 2*329)
	if !(c.B > c.R && c.G > c.R) {
		t.Errorf("bottom of the gradient area: %v", c)
	}
}

// Rasterize is deterministic and safe to call from several goroutines
// (the glyph cache is shared).
func TestConcurrent(t *testing.T) {
	svg, err := os.ReadFile("testdata/donut.svg")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Rasterize(svg, 2)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := Rasterize(svg, 2)
			if err == nil && !bytes.Equal(got.Pix, want.Pix) {
				err = errors.New("a second rendering differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
