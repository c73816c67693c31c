package raster

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// TestLikeness compares this package's PNG of every fixture with
// Chromium's rendering of the same chart at the same size (600×400 at 2×):
//
//   - svg-go: the same SVG inline in a page, with the Go fonts loaded by
//     @font-face, so that both sides draw the same glyphs;
//   - svg-default: the same SVG with Chromium's own sans-serif (DejaVu Sans
//     on Debian), forced even where the Go fonts are installed;
//   - canvas-go: the chart's option drawn by ECharts' canvas renderer in
//     Chromium (text measured by the browser), Go fonts loaded.
//
// It reports the mean absolute difference per channel and the share of
// pixels differing by more than 32/255 in some channel. It runs only with
// LIKENESS=1 (it needs chromium and node_modules/echarts) and writes the
// images and a diff map of each to $LIKENESS_OUT (default: a directory
// under the system's temp directory). LIKENESS_SVG names other SVG files
// (a glob) to compare instead of the fixtures.
func TestLikeness(t *testing.T) {
	if os.Getenv("LIKENESS") != "1" {
		t.Skip("set LIKENESS=1 to compare with Chromium")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium")
	}
	out := os.Getenv("LIKENESS_OUT")
	if out == "" {
		out = filepath.Join(os.TempDir(), "raster-likeness")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	echartsJS, err := filepath.Abs("../../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	var options map[string]json.RawMessage
	raw, err := os.ReadFile("testdata/charts.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &options); err != nil {
		t.Fatal(err)
	}
	pattern := os.Getenv("LIKENESS_SVG") // other SVGs to compare, for debugging
	if pattern == "" {
		pattern = "testdata/*.svg"
	}
	names, _ := filepath.Glob(pattern)
	var report strings.Builder
	report.WriteString("| chart | page | mean diff | pixels > 32/255 |\n|---|---|---|---|\n")
	for _, file := range names {
		name := strings.TrimSuffix(filepath.Base(file), ".svg")
		svg, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := Rasterize(svg, 2)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		writePNG(t, filepath.Join(out, name+".go.png"), ours)
		pages := map[string]string{
			"svg-go":      svgPage(svg, true),
			"svg-default": svgPage(svg, false),
		}
		if opt, ok := options[name]; ok {
			pages["canvas-go"] = canvasPage(opt, echartsJS)
		}
		for _, kind := range []string{"svg-go", "svg-default", "canvas-go"} {
			page, ok := pages[kind]
			if !ok {
				continue
			}
			shot := filepath.Join(out, name+"."+kind+".png")
			theirs, err := screenshot(browser, page, out, shot)
			if err != nil {
				t.Fatalf("%s %s: %v", name, kind, err)
			}
			mean, share, diff := compare(ours, theirs)
			writePNG(t, filepath.Join(out, name+"."+kind+".diff.png"), diff)
			fmt.Fprintf(&report, "| %s | %s | %.2f%% | %.2f%% |\n", name, kind, 100*mean, 100*share)
		}
	}
	t.Logf("images in %s\n%s", out, report.String())
}

func writePNG(t *testing.T, name string, img image.Image) {
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

const pageStyle = `body{margin:0;background:#fff}svg,div{display:block}`

func fontFaces() string {
	face := func(weight string, ttf []byte) string {
		return `@font-face{font-family:Go;font-weight:` + weight + `;src:url(data:font/ttf;base64,` +
			base64.StdEncoding.EncodeToString(ttf) + `)}`
	}
	return face("normal", goregular.TTF) + face("bold", gobold.TTF)
}

func svgPage(svg []byte, goFonts bool) string {
	css := pageStyle
	if goFonts {
		css = fontFaces() + css
	} else {
		// The SVG asks for "Go, sans-serif"; the Go fonts may be installed.
		css += `svg text{font-family:sans-serif !important}`
	}
	return `<!doctype html><html><head><meta charset="utf-8"><style>` + css + `</style></head><body>` + string(svg) + `</body></html>`
}

func canvasPage(option json.RawMessage, echartsJS string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><style>` + fontFaces() + pageStyle + `</style>
<script src="file://` + echartsJS + `"></script></head><body><div id="c" style="width:600px;height:400px"></div><script>
var option = ` + string(option) + `;
option.animation = false;
option.textStyle = Object.assign({}, option.textStyle, {fontFamily: 'Go, sans-serif'});
Promise.all([document.fonts.load('12px Go'), document.fonts.load('bold 12px Go')]).then(function () {
  echarts.init(document.getElementById('c'), null, {renderer: 'canvas'}).setOption(option);
});
</script></body></html>`
}

// screenshot renders page at 600×400 CSS pixels, device scale 2.
func screenshot(browser, page, dir, shot string) (image.Image, error) {
	html := strings.TrimSuffix(shot, ".png") + ".html"
	if err := os.WriteFile(html, []byte(page), 0o644); err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "raster-chromium-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, "--hide-scrollbars", "--allow-file-access-from-files",
		"--virtual-time-budget=5000", "--window-size=600,400", "--force-device-scale-factor=2",
		"--screenshot="+shot, "file://"+html)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// compare returns the mean absolute difference over all channels (0–1),
// the share of pixels with a channel differing by more than 32/255, and
// an image of the differing pixels (red where they differ, faint grey
// elsewhere).
func compare(a, b image.Image) (mean, share float64, diff *image.RGBA) {
	r := a.Bounds().Intersect(b.Bounds())
	diff = image.NewRGBA(r)
	var sum, over, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			d := [3]float64{absDiff(ar, br), absDiff(ag, bg), absDiff(ab, bb)}
			sum += d[0] + d[1] + d[2]
			n++
			i := diff.PixOffset(x, y)
			if max(d[0], d[1], d[2]) > 32.0/255 {
				over++
				copy(diff.Pix[i:], []uint8{255, 0, 0, 255})
			} else {
				g := uint8(255 - (255-ar>>8)/4)
				copy(diff.Pix[i:], []uint8{g, g, g, 255})
			}
		}
	}
	if n == 0 {
		return 0, 0, diff
	}
	return sum / (3 * n), over / n, diff
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a-b) / 0xffff
	}
	return float64(b-a) / 0xffff
}
