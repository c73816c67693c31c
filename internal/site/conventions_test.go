package site

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/narrative"
)

func TestSitemapAndRobots(t *testing.T) {
	if f := renderSite(t, defaultTemplates(t), siteInput(t, "")); f["sitemap.xml"] != nil || f["robots.txt"] != nil {
		t.Error("a site without base_url got a sitemap or robots.txt; both need absolute URLs")
	}
	in := siteInput(t, "base_url = \"https://example.org/brief/\"\n")
	f := renderSite(t, defaultTemplates(t), in)
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(f["sitemap.xml"], &set); err != nil {
		t.Fatalf("sitemap.xml: %v\n%s", err, f["sitemap.xml"])
	}
	var locs []string
	for _, u := range set.URLs {
		locs = append(locs, u.Loc)
	}
	var want []string
	for _, p := range in.Pages {
		want = append(want, "https://example.org/brief/"+p.Path)
	}
	if !slices.Equal(locs, want) {
		t.Errorf("sitemap lists %q, want %q", locs, want)
	}
	if r := string(f["robots.txt"]); !strings.Contains(r, "\nSitemap: https://example.org/brief/sitemap.xml\n") || !strings.HasPrefix(r, "User-agent: *\n") {
		t.Errorf("robots.txt:\n%s", r)
	}
	// A robots.txt the site gives in static/ wins.
	in.Taken = func(n string) bool { return n == "robots.txt" }
	if f := renderSite(t, defaultTemplates(t), in); f["robots.txt"] != nil || f["sitemap.xml"] == nil {
		t.Error("Render wrote robots.txt over the site's own, or dropped the sitemap with it")
	}
}

func TestNotFoundPage(t *testing.T) {
	f := renderSite(t, defaultTemplates(t), siteInput(t, ""))
	page := string(f["404.html"])
	for _, want := range []string{"<title>Page not found · Cloud &lt;AI&gt; briefing</title>", `<meta name="robots" content="noindex">`, `href="index.html"`, `href="customers.html"`, `href="assets/style.css"`} {
		if !strings.Contains(page, want) {
			t.Errorf("404.html lacks %s", want)
		}
	}
	// With base_url, its links start at the site's root path, so that it
	// works for a missing address at any depth.
	f = renderSite(t, defaultTemplates(t), siteInput(t, "base_url = \"https://example.org/brief\"\n"))
	page = string(f["404.html"])
	for _, want := range []string{`href="/brief/index.html"`, `href="/brief/customers.html"`, `href="/brief/assets/style.css"`} {
		if !strings.Contains(page, want) {
			t.Errorf("404.html with base_url lacks %s", want)
		}
	}
	if strings.Contains(page, `rel="canonical"`) {
		t.Error("404.html names a canonical URL")
	}
}

func TestPreviewTags(t *testing.T) {
	in := siteInput(t, "base_url = \"https://example.org/\"\n")
	in.Images = map[string]Image{"customers.html": {Path: "assets/previews/share-1.png", Width: 1200, Height: 450, Alt: "Share <of> spend"}}
	f := renderSite(t, defaultTemplates(t), in)
	page := string(f["customers.html"])
	for _, want := range []string{
		`<meta property="og:title" content="Customers">`,
		`<meta property="og:url" content="https://example.org/customers.html">`,
		`<meta property="og:image" content="https://example.org/assets/previews/share-1.png">`,
		`<meta property="og:image:width" content="1200">`,
		`<meta property="og:image:alt" content="Share &lt;of&gt; spend">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<meta name="twitter:image" content="https://example.org/assets/previews/share-1.png">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("customers.html lacks %s", want)
		}
	}
	index := string(f["index.html"])
	for _, want := range []string{`<meta property="og:description" content="The short version">`, `<meta name="twitter:card" content="summary">`} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(index, "og:image") {
		t.Error("index.html, which has no chart, has an og:image")
	}
	// Without base_url there is no absolute URL to give.
	in = siteInput(t, "")
	in.Images = map[string]Image{"customers.html": {Path: "assets/previews/share-1.png", Width: 1200, Height: 450}}
	if page := string(renderSite(t, defaultTemplates(t), in)["customers.html"]); strings.Contains(page, "og:image") {
		t.Error("an og:image without base_url")
	}
}

func TestSearch(t *testing.T) {
	in := siteInput(t, "")
	if f := renderSite(t, defaultTemplates(t), in); f[SearchIndex] != nil || strings.Contains(string(f["index.html"]), "site-search") {
		t.Errorf("a site of %d pages got a search box", len(in.Pages))
	}
	const hostile = `</script><script>window.pwned=1</script>`
	for i := len(in.Pages); i <= SearchMinPages; i++ {
		file := fmt.Sprintf("content/p/%02d.md", i)
		doc, err := narrative.Parse(file, []byte("+++\ntitle = \"x\"\n+++\nText.\n"))
		if err != nil {
			t.Fatal(err)
		}
		in.Pages = append(in.Pages, Page{Doc: doc, Path: PagePath(file), Title: fmt.Sprintf("Row %d %s", i, hostile), Charts: map[string]*chart.Chart{}})
	}
	f := renderSite(t, defaultTemplates(t), in)
	idx := f[SearchIndex]
	if strings.Contains(string(idx), "</script>") {
		t.Errorf("the search index holds markup unescaped:\n%s", idx)
	}
	entries, err := ParseSearchIndex(idx)
	if err != nil {
		t.Fatalf("%s: %v\n%s", SearchIndex, err, idx)
	}
	if len(entries) != len(in.Pages) {
		t.Fatalf("the index has %d entries for %d pages", len(entries), len(in.Pages))
	}
	for i, e := range entries {
		if e.Title != in.Pages[i].Title || e.Path != in.Pages[i].Path {
			t.Errorf("entry %d = %+v, want page %s %q", i, e, in.Pages[i].Path, in.Pages[i].Title)
		}
	}
	if f[SearchScript] == nil {
		t.Error("no search script")
	}
	deep := string(f["a/b.html"])
	for _, want := range []string{`data-index="../assets/search-index.js"`, `data-root="../"`, `<script src="../assets/search.js" defer></script>`} {
		if !strings.Contains(deep, want) {
			t.Errorf("a/b.html lacks %s", want)
		}
	}
}
