package build

import (
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// source is a parsed content file.
type source struct {
	doc  *narrative.Doc
	each *table.Table // for a file made per row
}

// pages parses content/**/*.md and prepares every page: one per file, or
// one per row for a file with each = TABLE.
func (x *refs) pages(fsys fs.FS) ([]site.Page, error) {
	srcs, err := x.parseContent(fsys)
	if err != nil {
		return nil, err
	}
	collections := map[string][]site.Link{} // "customer" → its row pages
	var pages []site.Page
	for _, s := range srcs {
		if s.each == nil {
			p, err := x.page(s, site.PagePath(s.doc.File), nil)
			if err != nil {
				return nil, err
			}
			p.InNav = true
			pages = append(pages, p)
			continue
		}
		rows, err := x.rowPages(s)
		if err != nil {
			return nil, err
		}
		name := collectionName(s.doc.File)
		for _, p := range rows {
			collections[name] = append(collections[name], site.Link{Title: p.Title, Path: p.Path})
		}
		pages = append(pages, rows...)
	}
	for i := range pages {
		if err := linkCollections(&pages[i], collections); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// parseContent reads and checks every content file, leaving drafts out,
// ordered by front-matter order, then path.
func (x *refs) parseContent(fsys fs.FS) ([]source, error) {
	var srcs []source
	var errs []error
	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return diag.Content.Errorf(diag.Pos{File: "content"}, "no content folder: a briefing needs at least content/index.md")
			}
			return err
		}
		if d.IsDir() || path.Ext(p) != ".md" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		each, err := x.eachTable(p, b)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		doc, err := narrative.Parse(p, b, x.check(each))
		if err != nil {
			if diag.IsSource(err) {
				errs = append(errs, err) // files are independent: report every bad one
				return nil
			}
			return err
		}
		if doc.Meta.Each != "" && each == nil {
			t, ok := x.tables[doc.Meta.Each]
			if !ok {
				return diag.Content.Errorf(doc.FrontMatterPos("each"), "each = %q: no such table or query", doc.Meta.Each)
			}
			each = t
		}
		if !doc.Meta.Draft {
			srcs = append(srcs, source{doc: doc, each: each})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := diag.Join(errs...); err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, diag.Content.Errorf(diag.Pos{File: "content"}, "no pages: add content/index.md")
	}
	sort.SliceStable(srcs, func(i, j int) bool {
		a, b := srcs[i].doc, srcs[j].doc
		if a.Meta.Order != b.Meta.Order {
			return a.Meta.Order < b.Meta.Order
		}
		return a.File < b.File
	})
	return srcs, nil
}

// eachTable finds the table a content file is made per row of, before the
// file is parsed, so that {{row …}} can be checked while parsing.
func (x *refs) eachTable(file string, src []byte) (*table.Table, error) {
	probe, err := narrative.Parse(file, src, nil)
	if err != nil || probe.Meta.Each == "" {
		return nil, nil // a real problem is reported by the checked parse
	}
	t, ok := x.tables[probe.Meta.Each]
	if !ok {
		return nil, diag.Content.Errorf(probe.FrontMatterPos("each"), "each = %q: no such table or query (tables and queries: %s)", probe.Meta.Each, strings.Join(slices.Sorted(maps.Keys(x.tables)), ", "))
	}
	return t, nil
}

// page prepares one page; w is its row, or nil.
func (x *refs) page(s source, out string, w *row) (site.Page, error) {
	d := s.doc
	p := site.Page{Doc: d, Path: out, Charts: map[string]*chart.Chart{}, Tables: map[string]*tableview.View{}}
	check, inline := x.check(s.each), x.inline(s.each, w)
	var err error
	if p.Title, err = narrative.ExpandText(d.Meta.Title, d.FrontMatterPos("title"), check, inline); err != nil {
		return p, err
	}
	if p.Description, err = narrative.ExpandText(d.Meta.Description, d.FrontMatterPos("description"), check, inline); err != nil {
		return p, err
	}
	p.Inline = inline
	var rowText chart.RowFunc
	if w != nil {
		rowText = w.text
	}
	for _, r := range d.Refs() {
		switch r.Kind {
		case "chart":
			c, err := chart.Bind(x.charts[r.Arg], x.tables, x.fm, rowText)
			if err != nil {
				return p, err
			}
			p.Charts[r.Arg] = c
		case "table":
			v, err := tableview.Build(x.views[r.Arg], x.tables, x.fm, rowText)
			if err != nil {
				return p, err
			}
			p.Tables[r.Arg] = v
		}
	}
	return p, nil
}

// rowPages makes one page per row of the file's table, named by its slug
// column (default: the first column).
func (x *refs) rowPages(s source) ([]site.Page, error) {
	d, t := s.doc, s.each
	slugCol := 0
	if d.Meta.Slug != "" {
		if slugCol = t.Col(d.Meta.Slug); slugCol < 0 {
			return nil, diag.Content.Errorf(d.FrontMatterPos("slug"), "slug = %q: no such column in %q (columns: %s)", d.Meta.Slug, t.Name, strings.Join(t.ColumnNames(), ", "))
		}
	}
	dir := strings.TrimSuffix(site.PagePath(d.File), ".html")
	seen := map[string]int{}
	var pages []site.Page
	for r := range t.Rows {
		v := t.Rows[r][slugCol]
		slug := Slug(table.Format(t.Columns[slugCol].Kind, v))
		if slug == "" {
			return nil, diag.Content.Errorf(t.Pos(r, slugCol), "the page for this row has no name: column %q is empty or has no letters or digits", t.Columns[slugCol].Name)
		}
		if prev, dup := seen[slug]; dup {
			return nil, diag.Content.Errorf(t.Pos(r, slugCol), "two rows would make the page %s/%s.html: this one and %s; make the %q values distinct",
				dir, slug, t.Pos(prev, slugCol), t.Columns[slugCol].Name)
		}
		seen[slug] = r
		p, err := x.page(s, dir+"/"+slug+".html", &row{t: t, r: r})
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// Slug makes a file name from a value: lower-case letters and digits, with
// runs of anything else turned into one hyphen. It never contains a slash
// or "..", so a page stays in its folder.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// collectionName is what {{pages NAME}} calls the pages made from a file:
// its path under content/ without .md.
func collectionName(file string) string {
	return strings.TrimSuffix(strings.TrimPrefix(file, "content/"), ".md")
}

// linkCollections checks the page's {{pages NAME}} references and gives it
// the links.
func linkCollections(p *site.Page, collections map[string][]site.Link) error {
	for _, r := range p.Doc.Refs() {
		if r.Kind != "pages" {
			continue
		}
		links, ok := collections[r.Arg]
		if !ok {
			return diag.Content.Errorf(r.Pos, "no pages are made per row from %q (want the name of a content file with each = TABLE, such as %s)", r.Arg, strings.Join(slices.Sorted(maps.Keys(collections)), ", "))
		}
		if p.Links == nil {
			p.Links = map[string][]site.Link{}
		}
		p.Links[r.Arg] = links
	}
	return nil
}
