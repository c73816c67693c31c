// Package site renders a briefing's pages and writes them, with the
// assets they need, to a Writer as each is made.
//
// Templates come from templates/*.html at the site root; any of the six
// files a site leaves out (base.html, page.html, nav.html, chart.html,
// table.html, pages.html) is taken from the defaults built into the binary.
// base.html is the layout and is executed for every page; chart.html,
// table.html and pages.html draw a {{chart}}, a {{table}} and a {{pages}}
// placed in the prose; pages.html also lists a section's pages on its
// index page. Every page gets the same top bar (Input.Nav, a few links:
// see package page on sections) and its breadcrumbs, so a page's size
// does not grow with the site. All links are relative to the page, so
// the output works under any base path, on any static host, and from disk.
package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/page"
)

//go:embed defaults
var defaults embed.FS

// TemplateDir is the folder of a site's own templates.
const TemplateDir = "templates"

// Files is an output held in memory: slash-separated path → content.
type Files map[string][]byte

// Writer receives the output as it is produced: a folder (build.Output),
// memory (for serve), or single-file pages wrapped around either.
// WriteFile may be called from several goroutines at once, and the writer
// may keep data: the caller does not change it afterwards. name is a
// slash-separated path inside the output (fs.ValidPath).
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Memory is a Writer that keeps the output in memory, for serve and tests.
// The zero value is ready to use.
type Memory struct {
	mu    sync.Mutex
	files Files
}

// WriteFile keeps data as the file name.
func (m *Memory) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("refusing to write %q: not a path inside the output", name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = Files{}
	}
	m.files[name] = data
	return nil
}

// ReadFile returns a file written before.
func (m *Memory) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return b, nil
}

// Files returns the files written so far; the caller owns the map.
func (m *Memory) Files() Files {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.files
	m.files = nil
	if f == nil {
		f = Files{}
	}
	return f
}

// Page is one page to render, prepared by the page stage (package page):
// plain data, its references resolved.
type Page = page.Page

// Link is a link to a page, with a site-relative path.
type Link = page.Link

// Input is everything Render needs.
type Input struct {
	Config *config.Site
	Pages  []Page
	// Nav is the top bar (page.Set.Nav): the same few links on every page.
	Nav     []Link
	ECharts []byte // echarts.min.js to copy into assets/, unless the config opts in to a CDN; nil: none (a site without charts)
	// Funcs replace the template functions declared by FuncNames.
	Funcs template.FuncMap
	// Generated is the "generated at" stamp, or "".
	Generated string
	// Workers is how many pages are rendered at once; 0 means one per core.
	Workers int
	// Taken reports a file the site gives itself (static/), which Render
	// does not write (see ConventionNames); nil for none.
	Taken func(name string) bool
	// Images are the pages' link-preview images (Open Graph, Twitter
	// cards), by page path; see Image.
	Images map[string]Image
	// Memo, when set, keeps each page's HTML for the next Render under
	// MemoKey (see Memo).
	Memo    *Memo
	MemoKey string
}

// Image is a picture of a page for link previews: its first chart, drawn
// as a PNG, which the build writes (only when the site has a base_url:
// the tags need absolute URLs).
type Image struct {
	Path          string // site-relative path of the PNG
	Width, Height int    // in pixels
	Alt           string // the chart's title
}

// FuncNames are the functions templates may call; Input.Funcs supplies
// them for a build: {{fig "name"}} and {{fig "name" "percent:1"}} show a
// figure, and in a series {{change "name"}} and {{prev "name"}} its
// change since the previous edition and its value there.
var FuncNames = []string{"fig", "change", "prev"}

// PageData is what templates see.
type PageData struct {
	Site             *config.Site
	Page             PageInfo
	Nav              []NavItem // the top bar: top-level pages and sections (at most page.MaxNav, then a link to the rest)
	Crumbs           []NavItem // the sections above this page, outermost first
	Root             string    // relative prefix to the site root: "" or "../" …
	Content          template.HTML
	HasCharts        bool
	Canonical        string // absolute URL of the page, when site.toml gives base_url
	Generated        string // "generated at" stamp, when site.toml asks for one
	EChartsSrc       string
	EChartsIntegrity string
	// Image is the page's link-preview image, with an absolute URL, or
	// nil.
	Image *Image
	// Search is the search box, or nil for a site without one.
	Search *SearchData
	// NoIndex asks search engines to leave the page out (404.html).
	NoIndex bool
}

// PageInfo describes the page being rendered.
type PageInfo struct {
	Title       string
	Description string
	Path        string
}

// NavItem is one navigation link.
type NavItem struct {
	Title   string
	URL     string
	Current bool // the link is to this page
	Within  bool // the link is to a section this page is in
}

// ChartData is what chart.html sees.
type ChartData struct {
	// StaticURL links the chart's SVG image from this page, or is empty.
	StaticURL string
	ID        string
	Chart     *chart.Chart
	Option    template.JS // JSON from encoding/json: <, > and & are escaped
}

// LoadTemplates parses the site's templates over the built-in defaults.
func LoadTemplates(fsys fs.FS) (*template.Template, error) {
	funcs := template.FuncMap{}
	for _, n := range FuncNames {
		funcs[n] = func(string, ...string) (string, error) { return "", nil }
	}
	t := template.New("").Option("missingkey=error").Funcs(funcs)
	names := []string{"base.html", "page.html", "nav.html", "chart.html", "table.html", "pages.html"}
	own, err := fs.Glob(fsys, TemplateDir+"/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range own {
		if n := path.Base(f); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		file := path.Join(TemplateDir, name)
		src, err := fs.ReadFile(fsys, file)
		if diag.IsSource(err) {
			return nil, err // a link out of the site (package sitefs)
		}
		if err != nil {
			file = "(built-in) " + name
			if src, err = defaults.ReadFile("defaults/templates/" + name); err != nil {
				return nil, err
			}
		}
		if _, err := t.New(name).Parse(string(src)); err != nil {
			return nil, templateError(file, err)
		}
	}
	return t, nil
}

// templateError turns "template: base.html:12: …" into a positioned error.
func templateError(file string, err error) error {
	msg := err.Error()
	var line int
	rest := msg
	if i := strings.Index(msg, ".html:"); i >= 0 {
		if _, e := fmt.Sscanf(msg[i+len(".html:"):], "%d", &line); e == nil {
			if j := strings.Index(msg[i+len(".html:"):], ": "); j >= 0 {
				rest = msg[i+len(".html:")+j+2:]
			}
		}
	}
	return diag.Template.Errorf(diag.Pos{File: file, Line: line}, "%s", rest)
}

// Render writes the assets, then every page, to w. Pages are rendered on
// in.Workers goroutines and each is written as soon as it is made, so no
// more than one page per worker is held in memory. When pages fail, the
// error is the first failing page's in the order of in.Pages, whatever
// the scheduling: after a failure no further page is started, and every
// page before it has already been started.
func Render(t *template.Template, in Input, w Writer) error {
	if in.Funcs != nil {
		t.Funcs(in.Funcs)
	}
	for _, name := range assetNames(in) {
		if err := w.WriteFile(name, assetData(in, name)); err != nil {
			return err
		}
	}
	if err := renderPages(t, in, w); err != nil {
		return err
	}
	return writeConventions(t, in, w)
}

// Names lists the files Render writes: the assets, then the pages; the
// convention files after them are ConventionNames.
func Names(in Input) []string {
	names := assetNames(in)
	for _, p := range in.Pages {
		names = append(names, p.Path)
	}
	return names
}

func assetNames(in Input) []string {
	names := []string{"assets/style.css", "assets/briefing.js"}
	if in.Config.Assets.EChartsURL == "" && in.ECharts != nil { // nil: the site has no charts
		names = append(names, "assets/echarts.min.js")
	}
	return names
}

func assetData(in Input, name string) []byte {
	if name == "assets/echarts.min.js" {
		return in.ECharts
	}
	return Asset(strings.TrimPrefix(name, "assets/"))
}

func renderPages(t *template.Template, in Input, w Writer) error {
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	kept := in.Memo.Start(memoKey(in))
	errs := make([]error, len(in.Pages))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(workers, len(in.Pages)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(in.Pages) {
					return
				}
				if errs[i] = renderTo(t, in, in.Pages[i], w, kept); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func renderTo(t *template.Template, in Input, p Page, w Writer, kept *Memo) error {
	var sum [32]byte
	if kept != nil {
		sum = pageSum(in, p)
		if r, ok := kept.Get(p.Path, sum); ok {
			return w.WriteFile(p.Path, r.html)
		}
	}
	b, err := renderPage(t, in, p)
	if err != nil {
		return err
	}
	kept.Put(p.Path, sum, rendered{b, p})
	return w.WriteFile(p.Path, b)
}

func renderPage(t *template.Template, in Input, p Page) ([]byte, error) {
	root := strings.Repeat("../", strings.Count(p.Path, "/"))
	var body bytes.Buffer
	block := func(w io.Writer, r narrative.Block) error {
		switch r := r.(type) {
		case *narrative.ChartRef:
			c, ok := p.Charts[r.Name]
			if !ok {
				return fmt.Errorf("chart %q was not prepared for this page", r.Name)
			}
			d := ChartData{ID: "chart-" + r.Name, Chart: c, Option: template.JS(c.Option)}
			if c.Static != "" {
				d.StaticURL = relative(p.Path, c.Static)
			}
			return t.ExecuteTemplate(w, "chart.html", d)
		case *narrative.TableRef:
			v, ok := p.Tables[r.Name]
			if !ok {
				return fmt.Errorf("table %q was not prepared for this page", r.Name)
			}
			return t.ExecuteTemplate(w, "table.html", v)
		case *narrative.PagesRef:
			return t.ExecuteTemplate(w, "pages.html", navItems(p, p.Lists[r.Name]))
		}
		return fmt.Errorf("unknown block %T", r)
	}
	if err := p.Doc.Render(&body, block, p.Text); err != nil {
		return nil, execError(err)
	}
	if len(p.List) > 0 {
		if err := t.ExecuteTemplate(&body, "pages.html", navItems(p, p.List)); err != nil {
			return nil, execError(err)
		}
	}
	data := PageData{
		Site:       in.Config,
		Page:       PageInfo{Title: p.Title, Description: p.Description, Path: p.Path},
		Root:       root,
		Content:    template.HTML(body.String()),
		HasCharts:  len(p.Charts) > 0,
		Generated:  in.Generated,
		EChartsSrc: root + "assets/echarts.min.js",
	}
	if base := in.Config.BaseURL; base != "" {
		data.Canonical = strings.TrimSuffix(base, "/") + "/" + p.Path
	}
	if u := in.Config.Assets.EChartsURL; u != "" {
		data.EChartsSrc, data.EChartsIntegrity = u, in.Config.Assets.EChartsIntegrity
	}
	if img, ok := in.Images[p.Path]; ok && in.Config.BaseURL != "" {
		img.Path = siteURL(in.Config.BaseURL, img.Path)
		data.Image = &img
	}
	data.Search = searchData(in, root)
	data.Nav, data.Crumbs = navItems(p, in.Nav), navItems(p, p.Crumbs)
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "base.html", data); err != nil {
		return nil, execError(err)
	}
	return b.Bytes(), nil
}

func execError(err error) error {
	if diag.IsSource(err) {
		return err
	}
	return templateError(TemplateDir+"/"+templateName(err.Error()), err)
}

func templateName(msg string) string {
	msg = strings.TrimPrefix(msg, "template: ")
	if i := strings.Index(msg, ".html"); i >= 0 {
		return msg[:i+len(".html")]
	}
	return "base.html"
}

// navItems links the pages in ls from page p.
func navItems(p Page, ls []Link) []NavItem {
	items := make([]NavItem, len(ls))
	for i, l := range ls {
		items[i] = NavItem{Title: l.Title, URL: relative(p.Path, l.Path), Current: l.Path == p.Path, Within: within(p.Path, l.Path)}
	}
	return items
}

// within reports whether the page at p lies in the section whose index
// page is at index (a/index.html holds a/b.html and a/c/d.html).
func within(p, index string) bool {
	dir, ok := strings.CutSuffix(index, "/index.html")
	return ok && p != index && strings.HasPrefix(p, dir+"/")
}

// relative returns the link from page from to page to.
func relative(from, to string) string {
	return strings.Repeat("../", strings.Count(from, "/")) + to
}

// PagePath returns the output path of a content file: content/a/b.md →
// a/b.html.
func PagePath(contentFile string) string { return page.Path(contentFile) }

// ChartScript returns the chart script (assets/briefing.js), which the
// static renderer runs too, for the same number formats.
func ChartScript() []byte { return Asset("briefing.js") }

// Asset returns a built-in asset (style.css, briefing.js), or nil.
func Asset(name string) []byte {
	b, _ := defaults.ReadFile("defaults/assets/" + name)
	return b
}

// DefaultTemplates returns the built-in templates, for `briefing new
// --templates`.
func DefaultTemplates() fs.FS {
	sub, _ := fs.Sub(defaults, "defaults/templates")
	return sub
}
