package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
	"testing/fstest"
)

const drawBuildFile = "../../" + DrawBuildPath

// drawBuild reads the drawing build `npm ci` made.
func drawBuild(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(drawBuildFile)
	if err != nil {
		tb.Fatalf("the drawing build of ECharts is not installed (%v): run `npm ci` at the repository root", err)
	}
	return b
}

// TestDrawBuildPinned: what `npm ci` built from echarts-draw.js is the
// file DrawBuildSHA256 names. After a change to echarts-draw.js or to the
// pinned esbuild or ECharts, this prints the sum to pin.
func TestDrawBuildPinned(t *testing.T) {
	sum := sha256.Sum256(drawBuild(t))
	if got := hex.EncodeToString(sum[:]); got != DrawBuildSHA256 {
		t.Fatalf("%s has sha256 %s, DrawBuildSHA256 is %s: rerun `npm ci`, or pin the new sum after checking TestDrawBuildDrawsTheSame", drawBuildFile, got, DrawBuildSHA256)
	}
}

func TestDrawingChoosesThePinnedBuild(t *testing.T) {
	draw := drawBuild(t)
	whole := []byte("the whole echarts.min.js")
	altered := append(bytes.Clone(draw), ';')
	for _, tc := range []struct {
		name   string
		fsys   fstest.MapFS
		whole  []byte
		beside []byte
		want   []byte
	}{
		{"installed", fstest.MapFS{DrawBuildPath: {Data: draw}}, whole, nil, draw},
		{"absent", fstest.MapFS{}, whole, nil, whole},
		{"altered", fstest.MapFS{DrawBuildPath: {Data: altered}}, whole, nil, whole},
		{"no pinned copy in the site", fstest.MapFS{DrawBuildPath: {Data: draw}}, nil, nil, nil},
		{"beside BRIEFING_ECHARTS", fstest.MapFS{}, whole, draw, draw},
		{"altered beside", fstest.MapFS{}, whole, altered, whole},
	} {
		if got := Drawing(tc.fsys, tc.whole, tc.beside); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: Drawing returned %d bytes, want %d", tc.name, len(got), len(tc.want))
		}
	}
}

// TestDrawBuildDrawsTheSame: the drawing build and the whole
// echarts.min.js draw byte-identical SVGs of every chart type, of long
// legends (which wrap) and of hostile names, at the sizes the site and
// the email draw.
func TestDrawBuildDrawsTheSame(t *testing.T) {
	ec, cs := scripts(t)
	whole, err := New(ec, cs, 1)
	if err != nil {
		t.Fatal(err)
	}
	draw, err := New(drawBuild(t), cs, 1)
	if err != nil {
		t.Fatal(err)
	}
	tables := loadTables(t)
	charts := append([]testChart{}, testCharts...)
	for _, src := range []string{
		"type = \"bar\"\ntable = \"many\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\nstack = true\n",
		"type = \"pie\"\ntable = \"many\"\nx = \"customer\"\ny = \"spend\"\nlatest = \"month\"\n",
		"type = \"donut\"\ntable = \"hostile\"\nx = \"who\"\ny = \"spend\"\n",
		"type = \"bar\"\ntable = \"hostile\"\nx = \"who\"\ny = \"spend\"\nhorizontal = true\n",
	} {
		charts = append(charts, testChart{name: "extra", src: src})
	}
	for _, tc := range charts {
		c := bind(t, tables, tc.name, tc.src)
		for _, size := range [][2]int{{800, c.Height}, {584, c.Height}, {640, 260}} {
			a, err := whole.SVG(c.Option, size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			b, err := draw.SVG(c.Option, size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s at %d×%d: the drawing build drew another image:\nwhole: %s\ndraw:  %s", tc.name, size[0], size[1], a, b)
			}
		}
	}
}
