// Package site renders a briefing's pages into an in-memory set of files.
//
// Templates come from templates/*.html at the site root; any of the six
// files a site leaves out (base.html, page.html, nav.html, chart.html,
// table.html, pages.html) is taken from the defaults built into the binary.
// base.html is the layout and is executed for every page; chart.html,
// table.html and pages.html draw a {{chart}}, a {{table}} and a {{pages}}
// placed in the prose. All links are relative to the page, so
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
	"slices"
	"strings"

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

// Files is the output: slash-separated path → content.
type Files map[string][]byte

// Page is one page to render, prepared by the page stage (package page):
// plain data, its references resolved.
type Page = page.Page

// Link is a link to a page, with a site-relative path.
type Link = page.Link

// Input is everything Render needs.
type Input struct {
	Config  *config.Site
	Pages   []Page
	ECharts []byte // echarts.min.js to copy into assets/, unless the config opts in to a CDN
	// Funcs replace the template functions declared by FuncNames.
	Funcs template.FuncMap
	// Generated is the "generated at" stamp, or "".
	Generated string
}

// FuncNames are the functions templates may call; Input.Funcs supplies
// them for a build: {{fig "name"}} and {{fig "name" "percent:1"}} show a
// figure.
var FuncNames = []string{"fig"}

// PageData is what templates see.
type PageData struct {
	Site             *config.Site
	Page             PageInfo
	Nav              []NavItem
	Root             string // relative prefix to the site root: "" or "../" …
	Content          template.HTML
	HasCharts        bool
	Canonical        string // absolute URL of the page, when site.toml gives base_url
	Generated        string // "generated at" stamp, when site.toml asks for one
	EChartsSrc       string
	EChartsIntegrity string
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
	Current bool
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

// Render renders every page and adds the assets.
func Render(t *template.Template, in Input) (Files, error) {
	if in.Funcs != nil {
		t.Funcs(in.Funcs)
	}
	out := Files{}
	for _, p := range in.Pages {
		b, err := renderPage(t, in, p)
		if err != nil {
			return nil, err
		}
		out[p.Path] = b
	}
	for _, a := range []string{"style.css", "briefing.js"} {
		b, err := defaults.ReadFile("defaults/assets/" + a)
		if err != nil {
			return nil, err
		}
		out["assets/"+a] = b
	}
	if in.Config.Assets.EChartsURL == "" {
		out["assets/echarts.min.js"] = in.ECharts
	}
	return out, nil
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
			var links []NavItem
			for _, l := range p.Lists[r.Name] {
				links = append(links, NavItem{Title: l.Title, URL: relative(p.Path, l.Path)})
			}
			return t.ExecuteTemplate(w, "pages.html", links)
		}
		return fmt.Errorf("unknown block %T", r)
	}
	if err := p.Doc.Render(&body, block, p.Text); err != nil {
		return nil, execError(err)
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
	for _, q := range in.Pages {
		if q.InNav {
			data.Nav = append(data.Nav, NavItem{Title: q.Title, URL: relative(p.Path, q.Path), Current: q.Path == p.Path})
		}
	}
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
