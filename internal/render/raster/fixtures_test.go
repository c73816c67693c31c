package raster

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
