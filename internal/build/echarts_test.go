package build

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/echarts"
)

// A site without charts builds without any ECharts, and ships none.
func TestNoChartsNoECharts(t *testing.T) {
	fsys := fstest.MapFS{
		"site.toml":        {Data: []byte("title = \"Notes\"\n")},
		"content/index.md": {Data: []byte("+++\ntitle = \"Notes\"\n+++\nNo charts here.\n")},
	}
	// A user copy that cannot be filled: reaching for it would fail.
	res, err := Build(fsys, Options{UserECharts: &echarts.UserCopy{Dir: t.TempDir()}})
	if err != nil {
		t.Fatalf("a site without charts needs ECharts: %v", err)
	}
	if _, ok := res.Files["index.html"]; !ok {
		t.Errorf("no index.html in %v", sortedNames(res.Files))
	}
	if _, ok := res.Files["assets/echarts.min.js"]; ok {
		t.Error("assets/echarts.min.js shipped by a site without charts")
	}
	if strings.Contains(string(res.Files["index.html"]), "echarts.min.js") {
		t.Error("the page loads ECharts")
	}
}

// A site with charts and no ECharts of its own reads the user's copy, and
// says where it looked when there is none and no npm to fill it.
func TestEChartsUserCopy(t *testing.T) {
	js := echartsForTest(t)
	dir := t.TempDir()
	u := &echarts.UserCopy{Dir: echarts.UserDir(dir)}
	_, err := Build(salesSite(), Options{UserECharts: u})
	if err == nil || !strings.Contains(err.Error(), u.Path()+": ECharts 5.6.0 is not installed, and npm") {
		t.Fatalf("error = %v, want the user's copy named", err)
	}
	if err := os.MkdirAll(u.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(u.Path(), js, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(salesSite(), Options{UserECharts: u})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Files["assets/echarts.min.js"]) != string(js) {
		t.Error("the user's copy was not shipped")
	}
	// The site's own copy comes first.
	site := salesSite()
	site[EChartsDefault] = &fstest.MapFile{Data: []byte("not echarts")}
	if _, err := Build(site, Options{UserECharts: u}); err == nil || !strings.Contains(err.Error(), "not the pinned ECharts") {
		t.Errorf("error = %v, want the site's node_modules copy checked first", err)
	}
}

func salesSite() fstest.MapFS {
	return fstest.MapFS{
		"site.toml":         {Data: []byte("title = \"Sales\"\n[data.sales]\nfile = \"data/sales.csv\"\ncolumns = { revenue = \"number\" }\n")},
		"data/sales.csv":    {Data: []byte("month,revenue\n2024-01,10\n2024-02,12\n")},
		"charts/sales.toml": {Data: []byte("type = \"bar\"\ntable = \"sales\"\nx = \"month\"\n[[series]]\ny = \"revenue\"\n")},
		"content/index.md":  {Data: []byte("+++\ntitle = \"Sales\"\n+++\n{{chart sales}}\n")},
	}
}

// A chart whose text holds a character no font has is a warning naming
// the chart and the text; with a font that has it (the system's), none.
func TestMissingGlyphWarning(t *testing.T) {
	site := chartSite("[fonts]\nsystem = false\n", nil, "spend")
	site["data/spend.csv"] = &fstest.MapFile{Data: []byte("customer,spend\n東京物流,20000000\nGlobex,5000000\n")}
	res, _ := buildWith(t, site, "", Options{ECharts: echartsForTest(t)})
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Error())
	}
	want := `charts/spend.toml: chart "spend": no font has "東" (U+6771), "京" (U+4EAC), "物" (U+7269), "流" (U+6D41) in "東京物流", so its image shows a box there`
	if len(got) != 1 || !strings.HasPrefix(got[0], want) || !res.Warnings[0].Warning {
		t.Errorf("warnings %q, want one starting %q", got, want)
	}
	// The email edition draws every chart, static or not.
	site["charts/spend.toml"].Data = append(site["charts/spend.toml"].Data, "static = false\n"...)
	res, _ = buildWith(t, site, "", Options{ECharts: echartsForTest(t), SkipStatic: true})
	if len(res.Warnings) != 1 {
		t.Errorf("email edition: warnings %v, want one", res.Warnings)
	}
	res, _ = buildWith(t, site, "", Options{ECharts: echartsForTest(t)})
	if len(res.Warnings) != 0 {
		t.Errorf("a chart drawn nowhere: warnings %v, want none", res.Warnings)
	}
}
