package build

import (
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/benchgen"
	"github.com/briefing-dev/briefing/internal/page"
)

// generated builds a benchgen site of n pages in memory.
func generated(t *testing.T, n int) *Result {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, b := range benchgen.Pages(n) {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	res, err := Build(fsys, Options{ECharts: echartsForTest(t)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	topBar     = regexp.MustCompile(`(?s)<nav aria-label="Sections">(.*?)</nav>`)
	breadcrumb = regexp.MustCompile(`(?s)<nav aria-label="Breadcrumb"[^>]*>(.*?)</nav>`)
	href       = regexp.MustCompile(`<a href="([^"]*)"[^>]*>([^<]*)</a>`)
)

// links returns the links (href, text) inside the first match of re.
func links(page string, re *regexp.Regexp) [][2]string {
	m := re.FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var out [][2]string
	for _, l := range href.FindAllStringSubmatch(m[1], -1) {
		out = append(out, [2]string{l[1], l[2]})
	}
	return out
}

// TestSectionsThreeLevels: content/part-01/group-01/page-00001.md is three
// levels deep; each folder gets an index page listing what it holds, a
// deep page shows the sections above it, and every link in the top bar,
// the breadcrumbs and the lists is relative and leads to a page built.
func TestSectionsThreeLevels(t *testing.T) {
	res := generated(t, 150) // part-01 with group-01 (100 pages) and group-02 (50)
	for _, w := range res.Warnings {
		t.Errorf("warning: %v", w)
	}
	part := string(res.Files["part-01/index.html"])
	if got := listed(part); len(got) != 2 || got[0] != [2]string{"../part-01/group-01/index.html", "Group 01"} || got[1][1] != "Group 02" {
		t.Errorf("part-01/index.html lists %q, want its two groups", got)
	}
	group := string(res.Files["part-01/group-02/index.html"])
	if got := listed(group); len(got) != 50 || got[0] != [2]string{"../../part-01/group-02/page-00101.html", "Page 101"} {
		t.Errorf("part-01/group-02/index.html lists %d pages starting %q, want pages 101–150", len(got), got[:min(1, len(got))])
	}
	deep := string(res.Files["part-01/group-02/page-00150.html"])
	crumbs := links(deep, breadcrumb)
	want := [][2]string{{"../../part-01/index.html", "Part 01"}, {"../../part-01/group-02/index.html", "Group 02"}}
	if len(crumbs) != 2 || crumbs[0] != want[0] || crumbs[1] != want[1] {
		t.Errorf("page-00150.html breadcrumbs %q, want %q", crumbs, want)
	}
	if !strings.Contains(deep, `<a href="../../part-01/index.html" aria-current="true">Part 01</a>`) {
		t.Errorf("the top bar of page-00150.html does not mark Part 01 as the section it is in")
	}
	for name, b := range res.Files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, l := range href.FindAllStringSubmatch(string(b), -1) {
			checkRelative(t, res, name, l[1])
		}
	}
}

// listed returns the links of the page list in an index page's article.
func listed(page string) [][2]string {
	return links(page, regexp.MustCompile(`(?s)<ul class="page-list">(.*?)</ul>`))
}

func checkRelative(t *testing.T, res *Result, from, link string) {
	t.Helper()
	if strings.HasPrefix(link, "/") || strings.Contains(link, "://") {
		t.Errorf("%s links to %s: not relative", from, link)
		return
	}
	target, _, _ := strings.Cut(link, "#")
	if target == "" {
		return
	}
	if _, ok := res.Files[path.Join(path.Dir(from), target)]; !ok {
		t.Errorf("%s links to %s, which was not built", from, link)
	}
}

// TestNavigationSizeFixed: the top bar and the breadcrumbs of a page hold
// as many links with 1,000 pages as with 10, and over the cap the top bar
// ends with a link to the home page, which lists every top-level entry.
func TestNavigationSizeFixed(t *testing.T) {
	count := func(res *Result, name string) int {
		p := string(res.Files[name])
		if p == "" {
			t.Fatalf("%s not built", name)
		}
		return len(links(p, topBar)) + len(links(p, breadcrumb))
	}
	small, large := generated(t, 10), generated(t, 1000)
	for _, name := range []string{"part-01/group-01/page-00001.html", "index.html", "data.html"} {
		if s, l := count(small, name), count(large, name); s != l || s == 0 {
			t.Errorf("%s: %d navigation links with 10 pages, %d with 1,000", name, s, l)
		}
	}
	if n := len(large.Files); n < 1000 {
		t.Fatalf("1,000 pages built %d files", n)
	}

	// 20 top-level pages: the bar is capped.
	fsys := fstest.MapFS{"site.toml": {Data: []byte("title = \"Wide\"\n")}}
	for i := range 20 {
		fsys[path.Join("content", strings.Repeat("x", i+1)+".md")] = &fstest.MapFile{Data: []byte("+++\ntitle = \"T\"\n+++\nText.\n")}
	}
	res, err := Build(fsys, Options{ECharts: echartsForTest(t)})
	if err != nil {
		t.Fatal(err)
	}
	bar := links(string(res.Files["x.html"]), topBar)
	if len(bar) != page.MaxNav+1 || bar[page.MaxNav] != [2]string{"index.html", page.MoreTitle} {
		t.Errorf("top bar of 20 top-level pages: %d links ending %q, want %d ending with %q to index.html", len(bar), bar[len(bar)-1], page.MaxNav+1, page.MoreTitle)
	}
	if got := listed(string(res.Files["index.html"])); len(got) != 20 {
		t.Errorf("the made home page lists %d pages, want 20", len(got))
	}
}
