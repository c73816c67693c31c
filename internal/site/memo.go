package site

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"maps"
	"slices"

	"github.com/briefing-dev/briefing/internal/memo"
)

// Memo keeps each page's HTML from one Render to the next (briefing
// serve), so that an edit re-renders only the pages it reaches. A page's
// HTML is reused when the page is the same prepared value (its document,
// charts and tables the same, as page.Memo hands them back) with the
// same texts, links and lists, and Input.MemoKey and what every page
// shares (top bar, stamp, assets) are unchanged. The key must cover the
// templates, static/, site.toml and whatever else the caller knows pages
// depend on; "" keeps nothing. A nil *Memo keeps nothing.
type Memo = memo.Table[rendered]

// rendered is a page's HTML and the page it was rendered from: kept so
// that the document, charts and tables pageSum names by address stay
// alive while the memo holds the HTML, and no new value takes their
// address.
type rendered struct {
	html []byte
	page Page
}

// memoKey is the key of a Render of in: Input.MemoKey and what every page
// shares; "" when in keeps nothing.
func memoKey(in Input) string {
	if in.MemoKey == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%q %t %t %q %q\n", in.MemoKey, in.Generated, in.ECharts != nil, hasSearch(in), in.Config.Assets.EChartsURL, in.Config.Assets.EChartsIntegrity)
	for _, l := range in.Nav {
		fmt.Fprintf(h, "nav %q %q\n", l.Title, l.Path)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// pageSum is what page p's HTML is made from besides memoKey: the
// page's values, its document and bound charts and tables by identity.
func pageSum(in Input, p Page) memo.Sum {
	h := sha256.New()
	fmt.Fprintf(h, "%q %p %d %q %q %t %q\n", p.Path, p.Doc, p.Row, p.Title, p.Description, p.InNav, p.Section)
	fmt.Fprintf(h, "text %q\n", p.Text)
	for _, name := range slices.Sorted(maps.Keys(p.Charts)) {
		c := p.Charts[name]
		fmt.Fprintf(h, "chart %q %p %q\n", name, c, c.Static)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Tables)) {
		fmt.Fprintf(h, "table %q %p\n", name, p.Tables[name])
	}
	for _, name := range slices.Sorted(maps.Keys(p.Lists)) {
		links(h, "list "+name, p.Lists[name])
	}
	links(h, "index", p.List)
	links(h, "crumbs", p.Crumbs)
	if img, ok := in.Images[p.Path]; ok {
		fmt.Fprintf(h, "image %q %d %d %q\n", img.Path, img.Width, img.Height, img.Alt)
	}
	var s memo.Sum
	h.Sum(s[:0])
	return s
}

func links(h hash.Hash, what string, ls []Link) {
	fmt.Fprintf(h, "%s %d\n", what, len(ls))
	for _, l := range ls {
		fmt.Fprintf(h, "%q %q\n", l.Title, l.Path)
	}
}
