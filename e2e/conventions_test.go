package e2e

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/briefing-dev/briefing/internal/site"
)

// metaRE finds a <meta property|name=KEY content=VALUE> tag as the default
// templates write it.
var metaRE = regexp.MustCompile(`<meta (?:property|name)="([^"]+)" content="([^"]*)">`)

// metas returns a page's meta tags by key; a key given twice fails the test.
func metas(t *testing.T, b *built, page string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, sm := range metaRE.FindAllStringSubmatch(b.html(t, page), -1) {
		if _, dup := m[sm[1]]; dup {
			t.Errorf("%s: meta %s twice", page, sm[1])
		}
		m[sm[1]] = unescape(sm[2])
	}
	return m
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}

// contentPages are the pages of a build made from content, without
// 404.html.
func contentPages(b *built) []string {
	return slices.DeleteFunc(slices.Clone(b.Pages), func(p string) bool { return p == site.NotFoundPage })
}

// TestExampleConventions checks the files of web conventions on the
// published example: the sitemap lists every page, robots.txt names it,
// 404.html exists, every page's link-preview tags show its title and
// description, and a page with a chart shows that chart as a PNG that
// exists.
func TestExampleConventions(t *testing.T) {
	b := examplePublishedSite(t)
	pages := contentPages(b)
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(b.Out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		return data
	}

	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(read("sitemap.xml"), &set); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	var locs []string
	for _, u := range set.URLs {
		locs = append(locs, strings.TrimPrefix(u.Loc, publishedURL))
	}
	slices.Sort(locs)
	if !slices.Equal(locs, pages) {
		t.Errorf("the sitemap lists %q,\nthe output has the pages %q", locs, pages)
	}
	if r := string(read("robots.txt")); !strings.Contains(r, "Sitemap: "+publishedURL+"sitemap.xml\n") {
		t.Errorf("robots.txt does not name the sitemap:\n%s", r)
	}

	notFound := b.html(t, site.NotFoundPage)
	for _, want := range []string{"<h1>Page not found</h1>", `href="/cloud-ai/index.html"`, `href="/cloud-ai/assets/style.css"`} {
		if !strings.Contains(notFound, want) {
			t.Errorf("404.html lacks %s", want)
		}
	}

	withImage := 0
	for _, p := range pages {
		html := b.html(t, p)
		m := metas(t, b, p)
		title := regexp.MustCompile(`<h1>([^<]*)</h1>`).FindStringSubmatch(html)
		if title == nil || m["og:title"] != unescape(title[1]) || m["twitter:title"] != m["og:title"] {
			t.Errorf("%s: og:title %q, twitter:title %q; the page's heading is %q", p, m["og:title"], m["twitter:title"], title)
		}
		if m["og:description"] == "" || m["og:description"] != m["description"] || m["twitter:description"] != m["description"] {
			t.Errorf("%s: og:description %q, twitter:description %q, description %q", p, m["og:description"], m["twitter:description"], m["description"])
		}
		if m["og:url"] != publishedURL+p {
			t.Errorf("%s: og:url %q", p, m["og:url"])
		}
		charts := strings.Count(html, `class="chart-print"`)
		img := m["og:image"]
		if (charts > 0) != (img != "") {
			t.Errorf("%s: %d charts, og:image %q", p, charts, img)
			continue
		}
		if img == "" {
			if m["twitter:card"] != "summary" {
				t.Errorf("%s: twitter:card %q without an image", p, m["twitter:card"])
			}
			continue
		}
		withImage++
		if m["twitter:card"] != "summary_large_image" || m["twitter:image"] != img {
			t.Errorf("%s: twitter:card %q, twitter:image %q, og:image %q", p, m["twitter:card"], m["twitter:image"], img)
		}
		// The first chart of the page: its title is the image's alt text.
		first := regexp.MustCompile(`<p class="chart-title"[^>]*>([^<]*)</p>`).FindStringSubmatch(html)
		if first == nil || m["og:image:alt"] != unescape(first[1]) {
			t.Errorf("%s: og:image:alt %q, the first chart's title %q", p, m["og:image:alt"], first)
		}
		name, ok := strings.CutPrefix(img, publishedURL)
		if !ok || !strings.HasSuffix(name, ".png") {
			t.Errorf("%s: og:image %q is not a PNG of the site", p, img)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(read(name)))
		if err != nil {
			t.Errorf("%s: %s: %v", p, name, err)
			continue
		}
		if strconv.Itoa(cfg.Width) != m["og:image:width"] || strconv.Itoa(cfg.Height) != m["og:image:height"] || cfg.Width < 1000 {
			t.Errorf("%s: %s is %dx%d; the tags say %sx%s (want at least 1000 wide)", p, name, cfg.Width, cfg.Height, m["og:image:width"], m["og:image:height"])
		}
	}
	if withImage < 3 {
		t.Errorf("%d pages have a preview image, want every page with a chart (at least 3)", withImage)
	}

	entries, err := site.ParseSearchIndex(read(site.SearchIndex))
	if err != nil {
		t.Fatalf("%s: %v", site.SearchIndex, err)
	}
	var indexed []string
	for _, e := range entries {
		indexed = append(indexed, e.Path)
		if want := metas(t, b, e.Path)["og:title"]; e.Title != want {
			t.Errorf("the search index calls %s %q; its title is %q", e.Path, e.Title, want)
		}
	}
	slices.Sort(indexed)
	if len(pages) <= site.SearchMinPages || !slices.Equal(indexed, pages) {
		t.Errorf("the search index lists %q; the %d pages are %q", indexed, len(pages), pages)
	}
}

// TestExampleSearch types a customer's name into the search box of the
// overview, as a reader would, and follows the first result to that
// customer's page.
func TestExampleSearch(t *testing.T) {
	browserCtx := browser(t)
	b := examplePublishedSite(t)
	tabs, srv := openSite(t, browserCtx, b, []string{"index.html"})
	tb := tabs[0]
	tb.use(t)
	if err := chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.CSS("#site-search-q")),
		chromedp.SendKeys(chromedp.CSS("#site-search-q"), "walmar"),
		chromedp.WaitVisible(chromedp.CSS("#site-search-results a")),
	); err != nil {
		t.Fatalf("searching: %v", err)
	}
	results := eval[[]string](t, tb, "reading the results", `Array.from(document.querySelectorAll('#site-search-results a')).map(a => a.textContent + ' → ' + a.getAttribute('href'))`)
	if len(results) == 0 || results[0] != "Walmart → customer/walmart.html" {
		t.Fatalf("results for \"walmar\": %q; want Walmart's page first", results)
	}
	if err := chromedp.Do(tb.ctx,
		chromedp.Click(chromedp.CSS("#site-search-results a")),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	); err != nil {
		t.Fatalf("following the result: %v", err)
	}
	loc := eval[string](t, tb, "reading the address", `location.pathname + ' ' + document.querySelector('h1').textContent`)
	if loc != "/customer/walmart.html Walmart" {
		t.Errorf("after following the result: %q", loc)
	}
	checkClean(t, tb, srv)
}
