package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
)

func TestPagePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"content/index.md", "index.html"},
		{"content/customers.md", "customers.html"},
		{"content/a/b.md", "a/b.html"},
		{"content/a/b/c.md", "a/b/c.html"},
	}
	for _, tt := range tests {
		if got := PagePath(tt.in); got != tt.want {
			t.Errorf("PagePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRelative(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"index.html", "index.html", "index.html"},
		{"index.html", "a/b.html", "a/b.html"},
		{"a/b.html", "index.html", "../index.html"},
		{"a/b/c.html", "index.html", "../../index.html"},
		{"a/b.html", "a/c.html", "../a/c.html"},
	}
	for _, tt := range tests {
		if got := relative(tt.from, tt.to); got != tt.want {
			t.Errorf("relative(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestLoadTemplatesOverride(t *testing.T) {
	fsys := fstest.MapFS{
		"templates/page.html":  {Data: []byte(`<section class="own-page">{{template "extra.html" .}}{{.Content}}</section>`)},
		"templates/extra.html": {Data: []byte(`<p class="extra">{{.Page.Title}}</p>`)},
		"templates/notes.txt":  {Data: []byte(`{{ not a template`)},
	}
	tmpl, err := LoadTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"base.html", "page.html", "nav.html", "chart.html", "extra.html"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("template %s is missing", name)
		}
	}
	files := renderSite(t, tmpl, siteInput(t, ""))
	page := string(files["index.html"])
	for _, want := range []string{
		`<section class="own-page"><p class="extra">Overview</p>`, // the site's page.html and extra.html
		`<nav aria-label="Sections">`,                             // the default nav.html
		`<footer class="colophon">`,                               // the default base.html
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<article>") {
		t.Errorf("the default page.html was used instead of the site's:\n%s", page)
	}
}

func TestLoadTemplatesErrors(t *testing.T) {
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		want  string // error prefix
		where diag.Pos
	}{
		{
			"unexpected end",
			fstest.MapFS{"templates/page.html": {Data: []byte("<article>\n{{.Content}}\n{{end}}\n</article>\n")}},
			"templates/page.html:3: unexpected {{end}}",
			diag.Pos{File: "templates/page.html", Line: 3},
		},
		{
			"unknown function",
			fstest.MapFS{"templates/nav.html": {Data: []byte("<nav>\n\n\n{{money .Site.Title}}</nav>\n")}},
			`templates/nav.html:4: function "money" not defined`,
			diag.Pos{File: "templates/nav.html", Line: 4},
		},
		{
			"extra template",
			fstest.MapFS{"templates/zz.html": {Data: []byte("{{if}}")}},
			"templates/zz.html:1: ",
			diag.Pos{File: "templates/zz.html", Line: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadTemplates(tt.fsys)
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error = %v (%T), want a *diag.Error", err, err)
			}
			if de.Pos != tt.where {
				t.Errorf("error at %v, want %v (%v)", de.Pos, tt.where, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestDefaultTemplatesParse(t *testing.T) {
	if _, err := LoadTemplates(fstest.MapFS{}); err != nil {
		t.Fatalf("the built-in templates do not parse: %v", err)
	}
}

// siteInput builds three pages (index, customers with a chart, a/b deep)
// and one chart. assets is the [assets] table of site.toml, or "".
func siteInput(t *testing.T, assets string) Input {
	t.Helper()
	cfg, err := config.Parse([]byte("title = \"Cloud <AI> briefing\"\nperiod = \"Q2 2024\"\n" + assets))
	if err != nil {
		t.Fatal(err)
	}
	docs := []struct{ file, src string }{
		{"content/index.md", "+++\ntitle = \"Overview\"\ndescription = \"The short version\"\n+++\nSee [customers](customers.md#top).\n"},
		{"content/customers.md", "+++\ntitle = \"Customers\"\n+++\nIntro.\n\n{{chart share}}\n"},
		{"content/a/b.md", "+++\ntitle = \"Deep page\"\n+++\nBack to [the start](../index.md).\n"},
	}
	charts := map[string]*chart.Chart{
		"share": {
			Name: "share", Title: "Share <of> spend", Source: "Illustrative", Height: 300,
			Option: json.RawMessage(`{"series":[{"name":"\u003c/script\u003e\u003cscript\u003ex()\u003c/script\u003e","data":[1]}]}`),
			Data:   chart.DataTable{Header: []string{"Customer", "<b>Spend</b>"}, Rows: [][]string{{"A & B", "$20M"}}},
		},
	}
	in := Input{Config: cfg, ECharts: []byte("/* echarts */")}
	for _, d := range docs {
		doc, err := narrative.Parse(d.file, []byte(d.src))
		if err != nil {
			t.Fatal(err)
		}
		p := Page{Doc: doc, Path: PagePath(d.file), Title: doc.Meta.Title, Description: doc.Meta.Description, InNav: true, Charts: map[string]*chart.Chart{}}
		for _, name := range doc.Charts {
			p.Charts[name] = charts[name]
		}
		in.Pages = append(in.Pages, p)
		in.Nav = append(in.Nav, Link{Title: p.Title, Path: p.Path})
	}
	return in
}

func renderSite(t *testing.T, tmpl *template.Template, in Input) Files {
	t.Helper()
	var m Memory
	if err := Render(tmpl, in, &m); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return m.Files()
}

func defaultTemplates(t *testing.T) *template.Template {
	t.Helper()
	tmpl, err := LoadTemplates(fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestRenderFiles(t *testing.T) {
	files := renderSite(t, defaultTemplates(t), siteInput(t, ""))
	var names []string
	for n := range files {
		names = append(names, n)
	}
	want := []string{"a/b.html", "assets/briefing.js", "assets/echarts.min.js", "assets/style.css", "customers.html", "index.html"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("files = %q, want %q", names, want)
	}
	if string(files["assets/echarts.min.js"]) != "/* echarts */" {
		t.Errorf("echarts.min.js = %q, want the bytes given", files["assets/echarts.min.js"])
	}
	for _, a := range []string{"assets/style.css", "assets/briefing.js"} {
		b, _ := defaults.ReadFile("defaults/" + a)
		if len(b) == 0 || !bytes.Equal(files[a], b) {
			t.Errorf("%s is not the built-in asset", a)
		}
	}
}

func TestRenderRelativeLinks(t *testing.T) {
	files := renderSite(t, defaultTemplates(t), siteInput(t, ""))
	tests := []struct {
		page string
		want []string
		not  []string
	}{
		{
			"index.html",
			[]string{
				`<a href="index.html" aria-current="page">Overview</a>`,
				`<a href="customers.html">Customers</a>`,
				`<a href="a/b.html">Deep page</a>`,
				`href="assets/style.css"`,
				`<p class="brand"><a href="index.html">`,
				`<a href="customers.html#top">customers</a>`,
				`<meta name="description" content="The short version">`,
				`<title>Overview · Cloud &lt;AI&gt; briefing</title>`,
				`<html lang="en">`,
			},
			[]string{`<script`, `href="/`, `aria-current="page">Customers`},
		},
		{
			"a/b.html",
			[]string{
				`<a href="../index.html">Overview</a>`,
				`<a href="../customers.html">Customers</a>`,
				`<a href="../a/b.html" aria-current="page">Deep page</a>`,
				`href="../assets/style.css"`,
				`<p class="brand"><a href="../index.html">`,
				`<a href="../index.html">the start</a>`,
			},
			[]string{`<script`, `href="/`, `href="index.html"`, `href="assets/`},
		},
	}
	for _, tt := range tests {
		page := string(files[tt.page])
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %s:\n%s", tt.page, w, page)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(page, n) {
				t.Errorf("%s contains %s:\n%s", tt.page, n, page)
			}
		}
	}
}

func TestRenderChart(t *testing.T) {
	files := renderSite(t, defaultTemplates(t), siteInput(t, ""))
	page := string(files["customers.html"])
	for _, w := range []string{
		`<figure class="chart" id="chart-share" aria-labelledby="chart-share-title">`,
		`data-chart="chart-share-option"`,
		`style="height: 300px"`,
		`<script type="application/json" id="chart-share-option">{"series":[{"name":"\u003c/script\u003e\u003cscript\u003ex()\u003c/script\u003e","data":[1]}]}</script>`,
		`<p class="chart-title" id="chart-share-title">Share &lt;of&gt; spend</p>`,
		`<th scope="col">&lt;b&gt;Spend&lt;/b&gt;</th>`,
		`<th scope="row">A &amp; B</th><td>$20M</td>`,
		`<p class="chart-source">Illustrative</p>`,
		`<script src="assets/echarts.min.js"></script>`,
		`<script src="assets/briefing.js"></script>`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("customers.html lacks %s:\n%s", w, page)
		}
	}
	if strings.Count(page, "<script") != 3 || strings.Contains(page, "<script>x()") {
		t.Errorf("customers.html: want exactly the option and two script tags:\n%s", page)
	}
}

func TestRenderCDN(t *testing.T) {
	in := siteInput(t, "[assets]\necharts_url = \"https://cdn.example/echarts.min.js\"\necharts_integrity = \"sha384-abc\"\n")
	files := renderSite(t, defaultTemplates(t), in)
	if _, ok := files["assets/echarts.min.js"]; ok {
		t.Error("assets/echarts.min.js written although the site loads ECharts from a CDN")
	}
	page := string(files["customers.html"])
	want := `<script src="https://cdn.example/echarts.min.js" integrity="sha384-abc" crossorigin="anonymous"></script>`
	if !strings.Contains(page, want) {
		t.Errorf("customers.html lacks %s:\n%s", want, page)
	}
}

func TestRenderTemplateExecError(t *testing.T) {
	tmpl, err := LoadTemplates(fstest.MapFS{"templates/page.html": {Data: []byte("<article>\n{{.Nope}}</article>")}})
	if err != nil {
		t.Fatal(err)
	}
	err = Render(tmpl, siteInput(t, ""), &Memory{})
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a *diag.Error", err, err)
	}
	if de.Pos.File != "templates/page.html" || de.Pos.Line != 2 || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("error = %q at %v, want templates/page.html line 2 naming .Nope", err, de.Pos)
	}
}
