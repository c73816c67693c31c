package build

import (
	"html/template"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// write sends the output to its writer as it is made, in an order a
// single-file writer can use: the charts' images, static/, the assets, and
// the pages last (rendered on all cores). It returns the link warnings.
func write(fsys fs.FS, tmpl *template.Template, in site.Input, opt Options, r *Result) ([]*diag.Error, error) {
	var w site.Writer
	mem := &site.Memory{}
	if opt.Output == nil {
		w = mem
	} else {
		var err error
		if w, err = opt.Output(in.Config); err != nil {
			return nil, err
		}
	}
	images, err := drawStatic(in.Pages, opt.Static, w)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, n := range append(site.Names(in), images...) {
		names[n] = true
	}
	static, err := addStatic(fsys, w, names)
	if err != nil {
		return nil, err
	}
	for _, n := range static {
		names[n] = true
	}
	links := newLinkCheck(in.Pages, names, w)
	if err := site.Render(tmpl, in, links); err != nil {
		return nil, err
	}
	if opt.Output == nil {
		r.Files = mem.Files()
	}
	return links.warnings(), nil
}

// pageRank sorts pages (.html) after other files.
func pageRank(name string) int {
	if isPage(name) {
		return 1
	}
	return 0
}

// linkCheck passes files on to a writer and checks the links of each page
// on its way (checkLinks), so that no page is kept for a check at the end.
type linkCheck struct {
	site.Writer
	pages []site.Page
	index map[string]int // page path → index in pages

	mu    sync.Mutex
	files site.Files      // every output name; the page being checked has its HTML
	found [][]*diag.Error // by page
}

func newLinkCheck(pages []site.Page, names map[string]bool, w site.Writer) *linkCheck {
	c := &linkCheck{Writer: w, pages: pages, index: map[string]int{}, files: site.Files{}, found: make([][]*diag.Error, len(pages))}
	for i, p := range pages {
		c.index[p.Path] = i
	}
	for n := range names {
		c.files[n] = nil
	}
	return c
}

func (c *linkCheck) WriteFile(name string, data []byte) error {
	if i, ok := c.index[name]; ok {
		c.mu.Lock()
		c.files[name] = data
		c.found[i] = checkLinks(c.pages[i:i+1], c.files)
		c.files[name] = nil
		c.mu.Unlock()
	}
	return c.Writer.WriteFile(name, data)
}

// warnings returns what checkLinks would have found over all pages at
// once: one warning per content file and link, from its first page.
func (c *linkCheck) warnings() []*diag.Error {
	var out []*diag.Error
	seen := map[string]bool{}
	for i, ws := range c.found {
		for _, w := range ws {
			key := w.Pos.File + "\x00" + strings.Replace(w.Msg, " from "+c.pages[i].Path+":", ":", 1)
			if !seen[key] {
				seen[key] = true
				out = append(out, w)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Error() < out[j].Error() })
	return out
}
