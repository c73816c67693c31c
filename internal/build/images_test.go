package build

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/chartimage"
)

// chartSite is a one-page site placing the charts named in charts (each a
// bar chart of the same table), with extra appended to site.toml and
// chart definitions extended by chartExtra[name].
func chartSite(extra string, chartExtra map[string]string, charts ...string) fstest.MapFS {
	fsys := fstest.MapFS{
		"site.toml": {Data: []byte("title = \"Images\"\n[data.spend]\nfile = \"data/spend.csv\"\n" +
			"[data.spend.columns]\nspend = \"money\"\n" + extra)},
		"data/spend.csv": {Data: []byte("customer,spend\nAcme,20000000\nGlobex,5000000\n")},
	}
	page := "+++\ntitle = \"Overview\"\n+++\nSpend by customer.\n"
	for _, name := range charts {
		fsys["charts/"+name+".toml"] = &fstest.MapFile{Data: []byte("type = \"bar\"\ntable = \"spend\"\ntitle = \"" + name +
			"\"\nx = \"customer\"\ny = \"spend\"\n" + chartExtra[name])}
		page += "\n{{chart " + name + "}}\n"
	}
	fsys["content/index.md"] = &fstest.MapFile{Data: []byte(page)}
	return fsys
}

// buildWith builds fsys with a new image service on a cache in dir ("" for
// none), as one briefing build process does.
func buildWith(t *testing.T, fsys fstest.MapFS, dir string, opt Options) (*Result, chartimage.Stats) {
	t.Helper()
	svc := chartimage.New(chartimage.Options{Dir: dir, Off: dir == "", Workers: 2})
	defer svc.Close()
	opt.Images = svc
	res, err := Build(fsys, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res, svc.Stats()
}

// printImages counts the static images a page shows in print.
func printImages(res *Result, page string) int {
	return strings.Count(string(res.Files[page]), `class="chart-print"`)
}

func TestNoChartsCompilesNoECharts(t *testing.T) {
	res, st := buildWith(t, chartSite("", nil), "", Options{ECharts: echartsForTest(t)})
	if st.Compiles != 0 || st.Drawn != 0 {
		t.Errorf("a site without charts: %+v, want ECharts never compiled", st)
	}
	if res.Files["index.html"] == nil {
		t.Error("no page")
	}
}

func TestWarmBuildCompilesNoECharts(t *testing.T) {
	ec, dir := echartsForTest(t), t.TempDir()
	cold, st := buildWith(t, chartSite("", nil, "spend", "share"), dir, Options{ECharts: ec})
	if st.Compiles != 1 || st.Drawn != 2 || printImages(cold, "index.html") != 2 {
		t.Fatalf("cold build: %+v with %d images, want ECharts compiled once and 2 images", st, printImages(cold, "index.html"))
	}
	warm, st := buildWith(t, chartSite("", nil, "spend", "share"), dir, Options{ECharts: ec})
	if st.Compiles != 0 || st.Hits != 2 {
		t.Errorf("warm build: %+v, want no compile and 2 hits", st)
	}
	none, _ := buildWith(t, chartSite("", nil, "spend", "share"), "", Options{ECharts: ec})
	for name, b := range none.Files {
		if string(warm.Files[name]) != string(b) || string(cold.Files[name]) != string(b) {
			t.Errorf("%s differs between the cold, warm and uncached builds", name)
		}
	}
	if len(none.Files) != len(warm.Files) {
		t.Errorf("%d files without the cache, %d with it", len(none.Files), len(warm.Files))
	}
}

// TestEChartsFromAssets draws with the ECharts named by [assets] echarts
// when there is no node_modules and no BRIEFING_ECHARTS.
func TestEChartsFromAssets(t *testing.T) {
	fsys := chartSite("[assets]\necharts = \"vendor/echarts.min.js\"\n", nil, "spend")
	fsys["vendor/echarts.min.js"] = &fstest.MapFile{Data: echartsForTest(t)}
	res, st := buildWith(t, fsys, "", Options{})
	if st.Drawn != 1 || printImages(res, "index.html") != 1 {
		t.Errorf("%+v, %d print images: the chart was not drawn with vendor/echarts.min.js", st, printImages(res, "index.html"))
	}
	if string(res.Files["assets/echarts.min.js"]) != string(fsys["vendor/echarts.min.js"].Data) {
		t.Error("the site does not ship the ECharts it drew with")
	}
}

// TestCDNSiteDrawsWithItsOwnCopy: a site on a CDN copy of ECharts draws
// its images with the copy it has, and without one has none (and no
// error).
func TestCDNSiteDrawsWithItsOwnCopy(t *testing.T) {
	cdn := "[assets]\necharts_url = \"https://cdn.example/echarts.min.js\"\necharts_integrity = \"sha384-x\"\n"
	res, st := buildWith(t, chartSite(cdn, nil, "spend"), "", Options{ECharts: echartsForTest(t)})
	if st.Drawn != 1 || printImages(res, "index.html") != 1 || res.Files["assets/echarts.min.js"] != nil {
		t.Errorf("CDN site with a local copy: %+v, %d images, shipped echarts: %v", st, printImages(res, "index.html"), res.Files["assets/echarts.min.js"] != nil)
	}
	res, st = buildWith(t, chartSite(cdn, nil, "spend"), "", Options{})
	if st.Drawn != 0 || st.Compiles != 0 || printImages(res, "index.html") != 0 {
		t.Errorf("CDN site without a copy: %+v, %d images", st, printImages(res, "index.html"))
	}
}

func TestStaticOptOut(t *testing.T) {
	ec := echartsForTest(t)
	off := map[string]string{"share": "static = false\n"}
	res, st := buildWith(t, chartSite("", off, "spend", "share"), "", Options{ECharts: ec})
	page := string(res.Files["index.html"])
	if st.Drawn != 1 || printImages(res, "index.html") != 1 {
		t.Errorf("one chart opted out: %+v, %d images, want 1", st, printImages(res, "index.html"))
	}
	if i, j := strings.Index(page, `id="chart-share"`), strings.Index(page, `id="chart-spend"`); i < 0 || j < 0 ||
		strings.Contains(page[i:], "<noscript>") || !strings.Contains(page[j:i], "<noscript>") {
		t.Error("the opted-out chart has a <noscript> image, or the other one has none")
	}
	if !strings.Contains(page[strings.Index(page, `id="chart-share"`):], `<details class="chart-data">`) {
		t.Error("the opted-out chart lost its data table")
	}
	on := map[string]string{"share": "static = true\n"}
	res, st = buildWith(t, chartSite("[charts]\nstatic = false\n", on, "spend", "share"), "", Options{ECharts: ec})
	if st.Drawn != 1 || printImages(res, "index.html") != 1 || !strings.Contains(string(res.Files["index.html"]), "assets/charts/share-") {
		t.Errorf("site default off, one chart on: %+v, %d images", st, printImages(res, "index.html"))
	}
	_, st = buildWith(t, chartSite("[charts]\nstatic = false\n", nil, "spend", "share"), "", Options{ECharts: ec})
	if st.Compiles != 0 {
		t.Errorf("no chart wants an image, yet ECharts was compiled: %+v", st)
	}
}

func TestSkipStatic(t *testing.T) {
	res, st := buildWith(t, chartSite("", nil, "spend"), "", Options{ECharts: echartsForTest(t), SkipStatic: true})
	if st.Compiles != 0 || printImages(res, "index.html") != 0 || res.Images == nil {
		t.Errorf("SkipStatic: %+v, %d images, session %v", st, printImages(res, "index.html"), res.Images)
	}
}
