package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/render/fonts"
	"github.com/briefing-dev/briefing/internal/table"
)

const (
	echartsPath = "../../node_modules/echarts/dist/echarts.min.js"
	scriptPath  = "../site/defaults/assets/briefing.js"
)

// scripts reads the pinned ECharts and the chart script.
func scripts(tb testing.TB) (echarts, script []byte) {
	tb.Helper()
	echarts, err := os.ReadFile(echartsPath)
	if err != nil {
		tb.Fatalf("ECharts is not installed (%v): run `npm ci` at the repository root", err)
	}
	script, err = os.ReadFile(scriptPath)
	if err != nil {
		tb.Fatal(err)
	}
	return echarts, script
}

var (
	sharedOnce sync.Once
	shared     *Renderer
	sharedErr  error
)

// renderer is one Renderer for the whole package's tests, on the ECharts
// builds draw with (the drawing build: see TestDrawBuildDrawsTheSame):
// compiling ECharts takes a tenth of a second.
func renderer(tb testing.TB) *Renderer {
	tb.Helper()
	ec, cs := scripts(tb)
	sharedOnce.Do(func() { shared, sharedErr = New(Drawing(os.DirFS("../.."), ec), cs, 4) })
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

// The test data: monthly spend of four customers in the tens of millions
// (a money axis reads $10M, $20M), and quarterly revenue with its growth
// (a percent axis on the right of the combo chart).
var testData = fstest.MapFS{
	"data/spend.csv": {Data: []byte(`month,customer,region,spend
2022-01,TikTok,AMER,14000000
2022-01,Intuit,AMER,9000000
2022-01,Snap,EMEA,6000000
2022-01,Spotify,APAC,4000000
2022-02,TikTok,AMER,16000000
2022-02,Intuit,AMER,9500000
2022-02,Snap,EMEA,6500000
2022-02,Spotify,APAC,4200000
2022-03,TikTok,AMER,20000000
2022-03,Intuit,AMER,10000000
2022-03,Snap,EMEA,7000000
2022-03,Spotify,APAC,4500000
`)},
	"data/quarters.csv": {Data: []byte(`quarter,revenue,growth,expected
2023-Q3,24300000000,29%,28%
2023-Q4,25900000000,30%,29%
2024-Q1,26700000000,31%,30%
2024-Q2,28500000000,29%,31%
`)},
	"data/many.csv": {Data: []byte(`month,customer,spend
2022-01,Northwind Health,1250000
2022-01,Contoso Bank,2250000
2022-01,Fabrikam Retail,3250000
2022-01,Litware Legal,4250000
2022-01,Tailspin Games,5250000
2022-01,Walmart,6250000
2022-01,TikTok,7250000
2022-01,Intuit,8250000
2022-01,G42,9250000
2022-01,Adventure Works,10250000
2022-01,Wide World Importers,11250000
2022-01,Smaller customers (combined),12250000
2022-02,Northwind Health,1500000
2022-02,Contoso Bank,2500000
2022-02,Fabrikam Retail,3500000
2022-02,Litware Legal,4500000
2022-02,Tailspin Games,5500000
2022-02,Walmart,6500000
2022-02,TikTok,7500000
2022-02,Intuit,8500000
2022-02,G42,9500000
2022-02,Adventure Works,10500000
2022-02,Wide World Importers,11500000
2022-02,Smaller customers (combined),12500000
2022-03,Northwind Health,1750000
2022-03,Contoso Bank,2750000
2022-03,Fabrikam Retail,3750000
2022-03,Litware Legal,4750000
2022-03,Tailspin Games,5750000
2022-03,Walmart,6750000
2022-03,TikTok,7750000
2022-03,Intuit,8750000
2022-03,G42,9750000
2022-03,Adventure Works,10750000
2022-03,Wide World Importers,11750000
2022-03,Smaller customers (combined),12750000
`)},
	"data/hostile.csv": {Data: []byte(`month,who,spend
2022-01,</text><script>alert(1)</script>,3000000
2022-01,"""><img src=x onerror=alert(1)>",2000000
2022-01,A & B 'quoted',1000000
2022-02,</text><script>alert(1)</script>,3500000
2022-02,"""><img src=x onerror=alert(1)>",2500000
2022-02,A & B 'quoted',1500000
`)},
}

func loadTables(tb testing.TB) map[string]*table.Table {
	tb.Helper()
	specs := []table.Spec{
		{Name: "spend", File: "data/spend.csv", Columns: map[string]table.Kind{"month": table.Month, "spend": table.Money}},
		{Name: "quarters", File: "data/quarters.csv", Columns: map[string]table.Kind{
			"quarter": table.Quarter, "revenue": table.Money, "growth": table.Percent, "expected": table.Percent}},
		{Name: "hostile", File: "data/hostile.csv", Columns: map[string]table.Kind{"month": table.Month, "spend": table.Money}},
		{Name: "many", File: "data/many.csv", Columns: map[string]table.Kind{"month": table.Month, "spend": table.Money}},
	}
	tables := map[string]*table.Table{}
	for _, s := range specs {
		tb.Helper()
		t, err := table.Load(testData, s, table.DefaultLimits)
		if err != nil {
			tb.Fatalf("loading %s: %v", s.File, err)
		}
		tables[s.Name] = t
	}
	return tables
}

// testChart is a chart definition and what its image must show.
type testChart struct {
	name string
	src  string   // charts/NAME.toml
	text []string // strings some text element of the image must contain
}

// testCharts covers every chart type the project supports.
var testCharts = []testChart{
	{"bar-grouped", `type = "bar"
table = "spend"
x = "month"
y = "spend"
split = "customer"
`, []string{"Jan 2022", "Feb 2022", "Mar 2022", "TikTok", "Intuit", "Snap", "Spotify", "$20M", "$10M", "$0"}},
	{"bar-stacked", `type = "bar"
table = "spend"
x = "month"
y = "spend"
split = "customer"
stack = true
`, []string{"Jan 2022", "Mar 2022", "TikTok", "Spotify", "$40M", "$20M"}},
	{"bar-horizontal", `type = "bar"
table = "spend"
x = "customer"
y = "spend"
sort = "desc"
horizontal = true
title = "Spend"
`, []string{"TikTok", "Intuit", "Snap", "Spotify", "$20M", "$40M"}},
	{"line", `type = "line"
table = "spend"
x = "month"
y = "spend"
split = "region"
`, []string{"Jan 2022", "Mar 2022", "AMER", "EMEA", "APAC", "$30M", "$10M"}},
	{"area", `type = "area"
table = "spend"
x = "month"
y = "spend"
title = "Total spend"
`, []string{"Jan 2022", "Feb 2022", "Mar 2022", "$40M", "$20M"}},
	{"pie", `type = "pie"
table = "spend"
x = "region"
y = "spend"
latest = "month"
sort = "desc"
`, []string{"AMER", "EMEA", "APAC", "AMER 72.3%", "EMEA 16.9%", "APAC 10.8%"}},
	{"donut", `type = "donut"
table = "spend"
x = "customer"
y = "spend"
latest = "month"
sort = "desc"
`, []string{"TikTok", "Intuit", "Snap", "Spotify", "TikTok 48.2%", "Spotify 10.8%"}},
	{"combo", `type = "combo"
table = "quarters"
x = "quarter"
[[series]]
name = "Cloud revenue"
y = "revenue"
type = "bar"
[[series]]
name = "Revenue growth"
y = "growth"
type = "line"
axis = "right"
[[series]]
name = "Growth the market expected"
y = "expected"
type = "line"
axis = "right"
`, []string{"Q3 2023", "Q2 2024", "Cloud revenue", "Revenue growth", "Growth the market expected", "$10B", "$30B", "%"}},
}

// bind builds a chart's option with internal/chart, as the build does.
func bind(tb testing.TB, tables map[string]*table.Table, name, src string) *chart.Chart {
	tb.Helper()
	s, err := chart.ParseSpec("charts/"+name+".toml", []byte(src))
	if err != nil {
		tb.Fatalf("%s: ParseSpec: %v", name, err)
	}
	c, err := chart.Bind(s, tables, format.Default, nil)
	if err != nil {
		tb.Fatalf("%s: Bind: %v", name, err)
	}
	return c
}

// texts returns the content of every text element of svg, failing the
// test when svg is not well-formed XML.
func texts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	var cur *strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				out = append(out, cur.String())
				cur = nil
			}
		}
	}
}

func hasText(all []string, want string) bool {
	for _, s := range all {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

// samplesDir is where TestSVGChartTypes also writes its images when
// BRIEFING_RENDER_SAMPLES names a folder, for looking at.
var samplesDir = os.Getenv("BRIEFING_RENDER_SAMPLES")

func TestSVGChartTypes(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	dir := t.TempDir()
	for _, tc := range testCharts {
		t.Run(tc.name, func(t *testing.T) {
			c := bind(t, tables, tc.name, tc.src)
			svg, err := r.SVG(c.Option, 640, c.Height)
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, dir, tc.name, svg)
			if !bytes.HasPrefix(svg, []byte("<svg ")) {
				t.Errorf("output does not start with <svg: %.80s", svg)
			}
			if !bytes.Contains(svg, []byte(`viewBox="0 0 640 360"`)) {
				t.Errorf("no viewBox for 640×360: %.300s", svg)
			}
			all := texts(t, svg)
			for _, want := range tc.text {
				if !hasText(all, want) {
					t.Errorf("no text contains %q; texts: %q", want, all)
				}
			}
			if !bytes.Contains(svg, []byte("font-family:"+FontFamily+";")) {
				t.Errorf("text is not set in %q", FontFamily)
			}
		})
	}
}

func writeSample(t *testing.T, dir, name string, svg []byte) {
	t.Helper()
	for _, d := range []string{dir, samplesDir} {
		if d == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(d, name+".svg"), svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSVGFormatsMatchThePage checks that the image's axis uses the chart
// script's formatter: ECharts' own labels would read 20,000,000 and 0.3.
func TestSVGFormatsMatchThePage(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	for _, tc := range []struct {
		name, src string
		want      []string
		not       []string
	}{
		{"money", testCharts[0].src, []string{"$0", "$5M", "$10M", "$15M", "$20M"}, []string{"20,000,000", "20000000"}},
		{"percent", `type = "line"
table = "quarters"
x = "quarter"
y = "growth"
`, []string{"0%", "30%", "35%"}, []string{"0.3"}},
		{"money_full", `type = "bar"
table = "spend"
x = "customer"
y = "spend"
latest = "month"
format = "money_full"
`, []string{"$20,000,000", "$0"}, []string{"$20M"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := bind(t, tables, tc.name, tc.src)
			svg, err := r.SVG(c.Option, 640, 360)
			if err != nil {
				t.Fatal(err)
			}
			all := texts(t, svg)
			for _, w := range tc.want {
				if !hasText(all, w) {
					t.Errorf("no text %q; texts: %q", w, all)
				}
			}
			for _, n := range tc.not {
				if hasText(all, n) {
					t.Errorf("unformatted text %q; texts: %q", n, all)
				}
			}
		})
	}
}

func TestSVGDeterministic(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	var first [][]byte
	for _, tc := range testCharts {
		c := bind(t, tables, tc.name, tc.src)
		svg, err := r.SVG(c.Option, 640, 360)
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, svg)
	}
	// Again, in reverse order, so that each runtime has drawn other charts
	// in between, and once more on a renderer of its own.
	ec, cs := scripts(t)
	fresh, err := New(ec, cs, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for i := len(testCharts) - 1; i >= 0; i-- {
		tc := testCharts[i]
		c := bind(t, tables, tc.name, tc.src)
		for _, rr := range []*Renderer{r, fresh} {
			svg, err := rr.SVG(c.Option, 640, 360)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(svg, first[i]) {
				t.Errorf("%s: second render differs from the first:\n%s\n---\n%s", tc.name, first[i], svg)
			}
		}
	}
}

// TestSVGIDsDifferBetweenCharts: images inlined into one page must not
// share the ids of their clip paths and gradients.
func TestSVGIDsDifferBetweenCharts(t *testing.T) {
	a, b := []byte(`{"series":[]}`), []byte(`{"series":[],"x":1}`)
	if chartID(a, 640, 360) == chartID(b, 640, 360) || chartID(a, 640, 360) == chartID(a, 640, 361) {
		t.Error("chart ids collide")
	}
	r := renderer(t)
	c := bind(t, loadTables(t), "line", testCharts[3].src)
	svg, err := r.SVG(c.Option, 640, 360)
	if err != nil {
		t.Fatal(err)
	}
	id := chartID(c.Option, 640, 360)
	if bytes.Contains(svg, []byte(`id="zr`)) {
		t.Errorf("ECharts' own counter-based ids remain:\n%s", svg)
	}
	// A line chart clips its lines to the grid.
	if !bytes.Contains(svg, []byte(`id="`+id+`-c0"`)) || !bytes.Contains(svg, []byte(`clip-path="url(#`+id+`-c0)"`)) {
		t.Errorf("no clip path %s-c0:\n%s", id, svg)
	}
}

func TestSVGParallel(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	var options [][]byte
	var want [][]byte
	for _, tc := range testCharts {
		c := bind(t, tables, tc.name, tc.src)
		svg, err := r.SVG(c.Option, 640, 360)
		if err != nil {
			t.Fatal(err)
		}
		options = append(options, c.Option)
		want = append(want, svg)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(options))
	for g := range 4 {
		wg.Go(func() {
			for k := range options {
				i := (g + k) % len(options)
				svg, err := r.SVG(options[i], 640, 360)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(svg, want[i]) {
					errs <- fmt.Errorf("%s: parallel render differs", testCharts[i].name)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// manyNames are the customers of data/many.csv: more than one line of
// legend at 640 pixels.
var manyNames = []string{"Northwind Health", "Contoso Bank", "Fabrikam Retail", "Litware Legal", "Tailspin Games", "Walmart", "TikTok", "Intuit", "G42", "Adventure Works", "Wide World Importers", "Smaller customers (combined)"}

// TestSVGLongLegend: the page's legend scrolls; an image cannot, so it
// must show every entry, and no pager.
func TestSVGLongLegend(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	pager := regexp.MustCompile(`^\d+/\d+$`)
	for _, tc := range []struct{ name, src string }{
		{"legend-bar", "type = \"bar\"\ntable = \"many\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\nstack = true\n"},
		{"legend-pie", "type = \"pie\"\ntable = \"many\"\nx = \"customer\"\ny = \"spend\"\nlatest = \"month\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := bind(t, tables, tc.name, tc.src)
			svg, err := r.SVG(c.Option, 640, 360)
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, t.TempDir(), tc.name, svg)
			all := texts(t, svg)
			for _, n := range manyNames {
				if !hasText(all, n) {
					t.Errorf("legend entry %q missing; texts: %q", n, all)
				}
			}
			for _, s := range all {
				if pager.MatchString(s) {
					t.Errorf("legend has a pager (%s)", s)
				}
			}
		})
	}
}

// TestSVGHostileNames puts markup in category and series names: ECharts
// escapes text, and the names come back intact as text.
func TestSVGHostileNames(t *testing.T) {
	r := renderer(t)
	tables := loadTables(t)
	names := []string{`</text><script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `A & B 'quoted'`}
	for _, tc := range []struct{ name, src string }{
		{"series", "type = \"bar\"\ntable = \"hostile\"\nx = \"month\"\ny = \"spend\"\nsplit = \"who\"\n"},
		{"categories", "type = \"bar\"\ntable = \"hostile\"\nx = \"who\"\ny = \"spend\"\nhorizontal = true\n"},
		{"slices", "type = \"donut\"\ntable = \"hostile\"\nx = \"who\"\ny = \"spend\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := bind(t, tables, "hostile", tc.src)
			svg, err := r.SVG(c.Option, 800, 360)
			if err != nil {
				t.Fatal(err)
			}
			writeSample(t, t.TempDir(), "hostile-"+tc.name, svg)
			for _, bad := range []string{"<script", "<img"} {
				if bytes.Contains(bytes.ToLower(svg), []byte(bad)) {
					t.Errorf("SVG contains raw %s:\n%s", bad, svg)
				}
			}
			if err := Sanitize(svg); err != nil {
				t.Errorf("Sanitize: %v", err)
			}
			all := texts(t, svg)
			for _, n := range names {
				if !hasText(all, n) {
					t.Errorf("name %q is not shown as text; texts: %q", n, all)
				}
			}
		})
	}
}

// TestSVGHostileColour: ECharts writes colours into attributes unescaped.
// SVG refuses such an option; and were one to get past CheckOption,
// Sanitize refuses the image.
func TestSVGHostileColour(t *testing.T) {
	r := renderer(t)
	c := bind(t, loadTables(t), "bar", testCharts[0].src)
	hostile := []string{
		`#fff" onload="alert(1)`,
		`red"/><script>alert(1)</script><path d="`,
		`url(https://example.com/x.svg#a)`,
		`rgb(1,2,3);background:url(x)`,
	}
	for _, colour := range hostile {
		for _, where := range []string{"palette", "itemStyle", "axisLabel", "fontFamily"} {
			opt := withColour(t, c.Option, where, colour)
			svg, err := r.SVG(opt, 640, 360)
			if err == nil {
				t.Errorf("%s %q: no error; SVG:\n%s", where, colour, svg)
			} else {
				t.Logf("%s: %v", where, err)
			}
		}
	}
	// Past CheckOption, straight to ECharts: the markup lands in the image,
	// and Sanitize must catch it.
	rt, err := newRuntime(r.echarts, r.script, r.glue)
	if err != nil {
		t.Fatal(err)
	}
	for _, colour := range hostile[:2] {
		svg, err := rt.render(withColour(t, c.Option, "itemStyle", colour), 640, 360, fonts.Default())
		if err != nil {
			t.Fatal(err)
		}
		err = Sanitize(svg)
		if err == nil {
			t.Errorf("Sanitize accepted an SVG with colour %q:\n%s", colour, svg)
		}
		t.Logf("Sanitize: %v", err)
	}
}

// withColour returns option with colour set as the palette, as the
// first series' colour, as the axis label colour or as a label font.
func withColour(t *testing.T, option []byte, where, colour string) []byte {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal(option, &o); err != nil {
		t.Fatal(err)
	}
	switch where {
	case "palette":
		o["color"] = []any{colour, "#91cc75"}
	case "itemStyle":
		o["series"].([]any)[0].(map[string]any)["itemStyle"] = map[string]any{"color": colour}
	case "axisLabel":
		o["yAxis"].([]any)[0].(map[string]any)["axisLabel"] = map[string]any{"color": colour}
	case "fontFamily":
		o["series"].([]any)[0].(map[string]any)["label"] = map[string]any{"show": true, "fontFamily": colour}
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSVGRefuses(t *testing.T) {
	r := renderer(t)
	c := bind(t, loadTables(t), "bar", testCharts[0].src)
	for _, tc := range []struct {
		name   string
		option string
		w, h   int
	}{
		{"not JSON", `{"series":`, 640, 360},
		{"not an object", `[1,2]`, 640, 360},
		{"zero width", string(c.Option), 0, 360},
		{"huge height", string(c.Option), 640, MaxSize + 1},
		{"image symbol", `{"xAxis":{"type":"category","data":["a"]},"yAxis":{},"series":[{"type":"line","data":[1],"symbol":"image://https://example.com/x.png","showSymbol":true}]}`, 640, 360},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := r.SVG([]byte(tc.option), tc.w, tc.h)
			if err == nil {
				t.Fatalf("no error; SVG:\n%.500s", svg)
			}
			t.Log(err)
		})
	}
}

func TestClose(t *testing.T) {
	ec, cs := scripts(t)
	r, err := New(ec, cs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SVG([]byte(`{"series":[]}`), 100, 100); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := r.SVG([]byte(`{"series":[]}`), 100, 100); err == nil {
		t.Error("SVG after Close: no error")
	}
}

func TestNewErrors(t *testing.T) {
	_, cs := scripts(t)
	if _, err := New(nil, cs, 1); err == nil {
		t.Error("New without ECharts: no error")
	}
	if _, err := New([]byte("function ("), cs, 1); err == nil {
		t.Error("New with a syntax error: no error")
	}
	// A chart script that defines no briefingPrepare fails on first use.
	ec, _ := scripts(t)
	r, err := New(ec, []byte("var x = 1;"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SVG([]byte(`{}`), 100, 100); err == nil || !strings.Contains(err.Error(), "briefingPrepare") {
		t.Errorf("SVG without briefingPrepare: %v", err)
	}
}

func BenchmarkNew(b *testing.B) {
	ec, cs := scripts(b)
	ec = Drawing(os.DirFS("../.."), ec)
	start := ProcessCPU()
	for b.Loop() {
		if _, err := New(ec, cs, 1); err != nil {
			b.Fatal(err)
		}
	}
	ReportCPU(b, start, 0)
}

// BenchmarkFirstSVG is the cold start: compiling, loading ECharts into a
// runtime and drawing one chart.
func BenchmarkFirstSVG(b *testing.B) {
	ec, cs := scripts(b)
	ec = Drawing(os.DirFS("../.."), ec)
	c := bind(b, loadTables(b), "bar", testCharts[0].src)
	start := ProcessCPU()
	for b.Loop() {
		r, err := New(ec, cs, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.SVG(c.Option, 640, 360); err != nil {
			b.Fatal(err)
		}
	}
	ReportCPU(b, start, 1)
}

// BenchmarkSVG is the time per chart on a warm runtime.
func BenchmarkSVG(b *testing.B) {
	ec, cs := scripts(b)
	r, err := New(Drawing(os.DirFS("../.."), ec), cs, 1)
	if err != nil {
		b.Fatal(err)
	}
	tables := loadTables(b)
	for _, tc := range testCharts {
		c := bind(b, tables, tc.name, tc.src)
		if _, err := r.SVG(c.Option, 640, 360); err != nil { // warm-up
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			start := ProcessCPU()
			for b.Loop() {
				if _, err := r.SVG(c.Option, 640, 360); err != nil {
					b.Fatal(err)
				}
			}
			ReportCPU(b, start, 1)
		})
	}
}
