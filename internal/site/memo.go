package site

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"maps"
	"slices"
	"sync"
)

// Memo keeps each page's HTML from one Render to the next (briefing
// serve), so that an edit re-renders only the pages it reaches. A page's
// HTML is reused when the page is the same prepared value (its document,
// charts and tables the same, as page.Memo hands them back) with the
// same texts, links and lists, and Input.MemoKey and what every page
// shares (top bar, stamp, assets) are unchanged. The key must cover the
// templates, static/, site.toml and whatever else the caller knows pages
// depend on; "" keeps nothing. A nil *Memo keeps nothing.
type Memo struct {
	mu    sync.Mutex
	key   string
	pages map[string]memoPage // by output path, from the last Render
	prev  map[string]memoPage
	// Reused counts the pages the last Render took from the memo.
	Reused int
}

type memoPage struct {
	sum  [sha256.Size]byte
	html []byte
}

// start begins a Render of in; it returns nil (keep nothing) for a nil
// memo or an empty key.
func (m *Memo) start(in Input) *Memo {
	if m == nil {
		return nil
	}
	key := ""
	if in.MemoKey != "" {
		h := sha256.New()
		fmt.Fprintf(h, "%s\n%q %t %t %q %q\n", in.MemoKey, in.Generated, in.ECharts != nil, hasSearch(in), in.Config.Assets.EChartsURL, in.Config.Assets.EChartsIntegrity)
		for _, l := range in.Nav {
			fmt.Fprintf(h, "nav %q %q\n", l.Title, l.Path)
		}
		key = fmt.Sprintf("%x", h.Sum(nil))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prev, m.pages, m.Reused = m.pages, map[string]memoPage{}, 0
	if key == "" || key != m.key {
		m.prev = nil
	}
	m.key = key
	if key == "" {
		return nil
	}
	return m
}

// sum is what page p's HTML is made from besides what start covered: the
// page's values, its document and bound charts and tables by identity.
func (m *Memo) sum(in Input, p Page) [sha256.Size]byte {
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
	var s [sha256.Size]byte
	h.Sum(s[:0])
	return s
}

func links(h hash.Hash, what string, ls []Link) {
	fmt.Fprintf(h, "%s %d\n", what, len(ls))
	for _, l := range ls {
		fmt.Fprintf(h, "%q %q\n", l.Title, l.Path)
	}
}

// get returns the HTML kept for p, made from sum.
func (m *Memo) get(p Page, sum [sha256.Size]byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.prev[p.Path]
	if !ok || e.sum != sum {
		return nil, false
	}
	m.pages[p.Path] = e
	m.Reused++
	return e.html, true
}

// put keeps p's HTML.
func (m *Memo) put(p Page, sum [sha256.Size]byte, html []byte) {
	m.mu.Lock()
	m.pages[p.Path] = memoPage{sum, html}
	m.mu.Unlock()
}
