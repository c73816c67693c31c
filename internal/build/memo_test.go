package build

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/exampletest"
)

// TestCacheRebuildsWhatChanged: through a run of edits of every kind,
// each build on a kept Cache (briefing serve) gives exactly the output of
// a build from nothing, and reuses what the edit did not reach.
func TestCacheRebuildsWhatChanged(t *testing.T) {
	dir := exampletest.Copy(t, "../..")
	opt := Options{ECharts: echartsForTest(t), Now: func() time.Time { return time.Date(2022, 3, 31, 12, 0, 0, 0, time.UTC) }}
	// Frequent collections, so that a value the cache no longer holds is
	// freed and its address taken by a new one: a key made of addresses
	// must not then match.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	fails := false // the step's build is to fail
	build := func(c *Cache) *Result {
		t.Helper()
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		o := opt
		o.Cache = c
		res, err := Build(root.FS(), o)
		if fails {
			if err == nil {
				t.Fatal("the build succeeded; want it to fail")
			}
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	edit := func(file, old, new string) func() {
		return func() {
			p := filepath.Join(dir, file)
			b, err := os.ReadFile(p)
			if err != nil && old != "" {
				t.Fatal(err)
			}
			s := string(b)
			if old != "" && !strings.Contains(s, old) {
				t.Fatalf("%s does not hold %q", file, old)
			}
			if old == "" {
				s += new
			} else {
				s = strings.Replace(s, old, new, 1)
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	type reuse struct{ data, files, html, record int } // -1: any
	var c Cache
	first := build(&c)
	pages, archive := first.Pages+first.RowPages, 0
	for _, p := range first.SitePages {
		if strings.HasPrefix(p.Path, "editions/") {
			archive++ // made from the records on every build
		}
	}
	files, _ := c.ReusedPages()
	if files != 0 || c.Reused.Data != 0 {
		t.Fatalf("the first build reused %d files and %d data stages", files, c.Reused.Data)
	}
	for _, step := range []struct {
		what string
		do   func()
		want reuse
	}{
		{"nothing changed", func() {}, reuse{1, 5, pages - archive, 1}},
		{"a sentence of the home page", edit("content/index.md", "## ", "## Edited: "), reuse{1, 4, -1, -1}},
		{"a mistyped reference (the build fails)", edit("content/index.md", "## Edited: ", "## {{fig no_such_figure}} "), reuse{-1, -1, -1, -1}},
		{"the reference fixed, with new prose", edit("content/index.md", "## {{fig no_such_figure}} ", "## Fixed: "), reuse{1, 4, -1, -1}},
		{"a page's title (the top bar)", edit("content/outlook.md", "title = \"", "title = \"Edited "), reuse{1, 4, 0, -1}},
		{"the template of every customer's page", edit("content/customer.md", "\n\n", "\n\nEdited.\n\n"), reuse{1, 4, -1, -1}},
		{"a chart's file", edit("charts/spend-share.toml", "title = \"", "title = \"Edited "), reuse{1, 0, 0, -1}},
		{"a table's file", edit("tables/top-customers.toml", "", "\n# edited\n"), reuse{1, 0, 0, -1}},
		{"a data file", edit("data/quarters.toml", "24_300_000_000", "25_300_000_000"), reuse{0, 0, 0, 0}},
		{"figures.toml", edit("figures.toml", "", "\n# edited\n"), reuse{0, 0, 0, 0}},
		{"a query", edit("queries/monthly_totals.sql", "", "\n-- edited\n"), reuse{0, 0, 0, 0}},
		{"site.toml", edit("site.toml", "", "\n# edited\n"), reuse{0, 0, 0, 0}},
		{"a static file", edit("static/robots.txt", "", "User-agent: *\n"), reuse{1, 5, 0, 1}},
		{"a template", edit("templates/pages.html", "", "<ul>{{range .}}<li><a href=\"{{.URL}}\">{{.Title}}</a></li>{{end}}</ul>\n"), reuse{1, 5, 0, 1}},
		{"a new page (the top bar)", edit("content/new.md", "", "+++\ntitle = \"New\"\n+++\nA new page.\n"), reuse{1, 5, 0, -1}},
		{"a page made a draft", edit("content/results.md", "+++\n", "+++\ndraft = true\n"), reuse{1, 5, 0, -1}},
		{"a page removed", func() { os.Remove(filepath.Join(dir, "content/new.md")) }, reuse{1, 5, 0, -1}},
		{"a section of two levels", func() {
			edit("content/part/index.md", "", "+++\ntitle = \"Part\"\n+++\nA section.\n")()
			edit("content/part/sub/index.md", "", "+++\ntitle = \"Sub\"\n+++\nA subsection.\n")()
			edit("content/part/sub/b.md", "", "+++\ntitle = \"B\"\n+++\nA page in it.\n")()
		}, reuse{1, 5, 0, -1}},
		{"a subsection's title (the crumbs)", edit("content/part/sub/index.md", "\"Sub\"", "\"Sub, edited\""), reuse{1, 7, -1, -1}},
	} {
		step.do()
		if fails = strings.Contains(step.what, "build fails"); fails {
			build(&c)
			build(nil)
			c.Reused.Data, c.Reused.Record = 0, 0
			continue
		}
		got := build(&c)
		want := build(nil)
		if len(got.Files) != len(want.Files) {
			t.Errorf("%s: %d files with the cache, %d without", step.what, len(got.Files), len(want.Files))
		}
		for name, b := range want.Files {
			if g, ok := got.Files[name]; !ok || string(g) != string(b) {
				t.Errorf("%s: %s differs with the cache: %s", step.what, name, firstDiff(string(g), string(b)))
			}
		}
		files, html := c.ReusedPages()
		r := reuse{c.Reused.Data, files, html, c.Reused.Record}
		c.Reused.Data, c.Reused.Record = 0, 0
		w := step.want
		for _, f := range []struct {
			name      string
			got, want int
		}{{"data stages", r.data, w.data}, {"content files", r.files, w.files}, {"pages' HTML", r.html, w.html}, {"records", r.record, w.record}} {
			if f.want >= 0 && f.got != f.want {
				t.Errorf("%s: %d %s reused, want %d", step.what, f.got, f.name, f.want)
			}
		}
		if w.html < 0 && (html == 0 || html >= pages) {
			t.Errorf("%s: %d of %d pages' HTML reused, want some but not all", step.what, html, pages)
		}
	}
}
