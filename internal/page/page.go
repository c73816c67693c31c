// Package page is the page stage: it reads the content files and binds
// each page to the briefing's data, producing plain values that every
// edition (site, email) renders without calling back into the build.
//
//	content/*.md (parsed once, package narrative) + figures, tables,
//	chart and table specs → []Page, Figures
//
// Content files are read, parsed, checked and bound on all cores; each
// file's markdown is then rendered once and its tree let go
// (narrative.Doc.Release), so memory follows the site's HTML, not its
// parse trees, and a file made per row is not rendered again per row.
//
// A content file makes one page, or with each = TABLE in its front matter
// one page per row of that table, at FOLDER/FILE/SLUG.html (see Slug). For
// each page, Prepare
//   - checks every reference against the data: an unknown figure, chart,
//     table, column or collection is an error at its file:line:col, and
//     every bad file is reported, not only the first;
//   - resolves the inline references ({{fig}}, {{row}}, {{if}}) to their
//     text, in Page.Text by the reference's slot, and the title and
//     description likewise;
//   - binds the charts and tables the page places (to its row, for a page
//     made per row) and the links of its {{pages NAME}} lists;
//   - lists its markdown links, resolved against the page's path, with
//     their positions, for CheckLinks.
//
// A content file with draft = true in its front matter is a draft: build,
// check, email and pdf leave it out; serve --drafts shows it
// (Input.Drafts).
//
// Every folder under content/ is a section with an index page listing its
// pages and subsections, and the top bar (Set.Nav) lists only the
// top-level pages and sections, at most MaxNav: what a page carries for
// navigation does not grow with the number of pages (section.go).
//
// Figures shows figures outside pages: templates ({{fig "name"}}) and the
// email subject read it.
package page

import (
	"errors"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// Page is one prepared page: a content file, or one row of a content file
// made per row.
type Page struct {
	Doc         *narrative.Doc
	Path        string // output path, e.g. "customers.html"
	Title       string // front-matter title with its references resolved
	Description string
	InNav       bool                       // made from a content file, not per row: sections list it
	Row         int                        // for a page made per row (Doc.Meta.Each), its row of that table
	Text        []string                   // text of the document's inline references, by slot
	Charts      map[string]*chart.Chart    // the charts this page places, bound to its row if it has one
	Tables      map[string]*tableview.View // the tables this page places
	Lists       map[string][]Link          // for {{pages NAME}}: the pages made from NAME.md
	Links       []Href                     // the links written in the page's markdown
	// Section is, for a section's index page, the folder it indexes ("a/b").
	Section string
	// List is what an index page lists below its text: the section's pages
	// and subsections (see section.go).
	List []Link
	// Crumbs are the sections above the page, outermost first.
	Crumbs []Link
}

// Link is a link to a page, with a site-relative path.
type Link struct {
	Title string
	Path  string
}

// Href is a link written in a page's markdown.
type Href struct {
	Dest   string   // as written, with .md pointed at the page
	Target string   // the site-relative output path it leads to, or "" when it leaves the site or stays on the page
	Pos    diag.Pos // where the link starts
}

// Input is the data references resolve against.
type Input struct {
	Format  *format.Formatter
	Figures *figure.Set
	Tables  map[string]*table.Table    // loaded tables and query results
	Charts  map[string]*chart.Spec     // charts/*.toml by name
	Views   map[string]*tableview.Spec // tables/*.toml by name
	// Editions compares with the previous edition ({{change}}, {{prev}},
	// change() in conditions, tables' change columns, charts' markers);
	// nil for a briefing that is not a series, where they are errors.
	Editions *edition.Comparison
	// Drafts includes the content files marked draft = true in their
	// front matter, which are otherwise left out (serve --drafts).
	Drafts bool
	// Memo, when set, keeps each content file's pages for the next
	// Prepare under MemoKey, which must cover everything above (the
	// caller's: see Memo); "" keeps nothing.
	Memo    *Memo
	MemoKey string
}

// Set is what the page stage produces.
type Set struct {
	Pages   []Page
	Figures Figures
	// Nav is the top bar: the top-level pages and sections, at most
	// MaxNav and a link to the page that lists them all.
	Nav []Link
}

// parse reads one content file; tests count its calls.
var parse = narrative.Parse

// source is a parsed and checked content file.
type source struct {
	doc    *narrative.Doc
	each   *table.Table // for a file made per row
	title  narrative.Text
	desc   narrative.Text
	inline []narrative.Inline // nil once the pages are made
	blocks []narrative.Block  // nil once the pages are made
	lists  []listRef          // its {{pages NAME}}
	pages  []Page             // the pages made from it
	err    error              // why its pages could not be made
}

// listRef is a {{pages NAME}}, kept apart from the tree.
type listRef struct {
	name string
	at   diag.Pos
}

// Prepare reads content/**/*.md from fsys and prepares every page.
func Prepare(fsys fs.FS, in Input) (*Set, error) {
	r := &resolver{in: in}
	srcs, err := r.readContent(fsys)
	if err != nil {
		return nil, err
	}
	collections := map[string][]Link{} // "customer" → its row pages
	var pages []Page
	var from []int // the source of each page
	for i, s := range srcs {
		if s.err != nil {
			return nil, s.err
		}
		if s.each != nil {
			name := collectionName(s.doc.File)
			for _, p := range s.pages {
				collections[name] = append(collections[name], Link{Title: p.Title, Path: p.Path})
			}
		}
		pages = append(pages, s.pages...)
		for range s.pages {
			from = append(from, i)
		}
	}
	if err := distinctPaths(pages, srcs, from); err != nil {
		return nil, err
	}
	for i := range pages {
		if err := listCollections(&pages[i], srcs[from[i]].lists, collections); err != nil {
			return nil, err
		}
	}
	pages, nav := addSections(pages, srcs, from)
	return &Set{Pages: pages, Figures: Figures{fm: in.Format, figs: in.Figures, eds: in.Editions}, Nav: nav}, nil
}

// distinctPaths refuses two pages at one output path (a content file
// where a file made per row puts one of its rows), or at paths that
// differ only in case, at the content file that comes second; every
// clash is reported.
func distinctPaths(pages []Page, srcs []source, from []int) error {
	first := make(map[string]int, len(pages))
	var errs []error
	for i, p := range pages {
		key := strings.ToLower(p.Path)
		j, ok := first[key]
		if !ok {
			first[key] = i
			continue
		}
		a, b := srcs[from[j]].doc, srcs[from[i]].doc
		what := func(d *narrative.Doc) string {
			if d.Meta.Each != "" {
				return d.File + " (a page per row of " + d.Meta.Each + ")"
			}
			return d.File
		}
		if q := pages[j].Path; q != p.Path {
			errs = append(errs, diag.Content.Errorf(diag.Pos{File: b.File}, "pages %s (from %s) and %s (from %s) differ only in case: where case is ignored (macOS, Windows, some hosts) one replaces the other; rename one of them", q, what(a), p.Path, what(b)))
			continue
		}
		errs = append(errs, diag.Content.Errorf(diag.Pos{File: b.File}, "two pages at %s: one from %s and one from %s; rename one of them", p.Path, what(a), what(b)))
	}
	return diag.Join(errs...)
}

// readContent parses and checks every content file, leaving drafts out,
// ordered by front-matter order, then path. Files are independent: every
// bad one is reported.
func (r *resolver) readContent(fsys fs.FS) ([]source, error) {
	files, err := contentFiles(fsys)
	if err != nil {
		return nil, err
	}
	type result struct {
		s     source
		err   error
		draft bool
	}
	kept := r.in.Memo.Start(r.in.MemoKey)
	results := make([]result, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				res := &results[i]
				b, err := fs.ReadFile(fsys, files[i])
				if err != nil {
					res.err = err
					continue
				}
				if s, ok := kept.Get(files[i], sum(b)); ok {
					res.s, res.draft = s, s.doc.Meta.Draft && !r.in.Drafts
					continue
				}
				res.s, res.err = r.source(files[i], b)
				if res.err != nil {
					continue
				}
				if res.draft = res.s.doc.Meta.Draft && !r.in.Drafts; !res.draft {
					res.err = r.makePages(&res.s)
				}
				if res.err == nil && res.s.err == nil {
					kept.Put(files[i], sum(b), res.s)
				}
			}
		})
	}
	wg.Wait()
	var srcs []source
	var errs []error
	for _, res := range results {
		switch {
		case res.err != nil && !diag.IsSource(res.err):
			return nil, res.err
		case res.err != nil:
			errs = append(errs, res.err)
		case !res.draft:
			srcs = append(srcs, res.s)
		}
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

// contentFiles lists content/**/*.md.
func contentFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return diag.Content.Errorf(diag.Pos{File: "content"}, "no content folder: a briefing needs at least content/index.md")
			}
			return err
		}
		if !d.IsDir() && path.Ext(p) == ".md" {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// makePages makes the pages of a checked source: its page, or a page per
// row. Then the source's markdown is rendered and its tree let go
// (narrative.Doc.Release), so that the page stage never holds every
// page's tree and a file made per row is rendered once.
func (r *resolver) makePages(s *source) error {
	for _, b := range s.blocks {
		if n, ok := b.(*narrative.PagesRef); ok {
			s.lists = append(s.lists, listRef{n.Name, n.At})
		}
	}
	if s.each != nil {
		s.pages, s.err = r.rowPages(*s)
	} else if p, err := r.page(*s, Path(s.doc.File), nil); err != nil {
		s.err = err
	} else {
		p.InNav = true
		s.pages = []Page{p}
	}
	s.inline, s.blocks = nil, nil
	return s.doc.Release()
}

// source parses one content file, once, and checks its references.
func (r *resolver) source(file string, b []byte) (source, error) {
	doc, err := parse(file, b)
	if err != nil {
		return source{}, err
	}
	s := source{doc: doc}
	if s.each, err = r.eachTable(doc); err != nil {
		return s, err
	}
	if s.title, err = narrative.ParseText(doc.Meta.Title, inString(doc.FrontMatterPos("title"))); err != nil {
		return s, err
	}
	if s.desc, err = narrative.ParseText(doc.Meta.Description, inString(doc.FrontMatterPos("description"))); err != nil {
		return s, err
	}
	var errs []error
	for _, ref := range s.title.Refs {
		errs = append(errs, r.check(ref, s.each))
	}
	for _, ref := range s.desc.Refs {
		errs = append(errs, r.check(ref, s.each))
	}
	for _, ref := range doc.Refs() {
		errs = append(errs, r.check(ref, s.each))
		switch n := ref.(type) {
		case narrative.Inline:
			s.inline = append(s.inline, n)
		case narrative.Block:
			s.blocks = append(s.blocks, n)
		}
	}
	return s, diag.Join(errs...)
}

// inString moves the position of a TOML string value (its opening quote)
// to the string's first character.
func inString(pos diag.Pos) diag.Pos {
	if pos.Col > 0 {
		pos.Col++
	}
	return pos
}

// Path returns the output path of a content file: content/a/b.md →
// a/b.html.
func Path(contentFile string) string {
	p := strings.TrimPrefix(contentFile, "content/")
	return strings.TrimSuffix(p, ".md") + ".html"
}

// collectionName is what {{pages NAME}} calls the pages made from a file:
// its path under content/ without .md.
func collectionName(file string) string {
	return strings.TrimSuffix(strings.TrimPrefix(file, "content/"), ".md")
}
