// Package build is the one orchestrator: it reads a briefing's sources from
// an fs.FS and writes its output to a site.Writer as each file is made.
//
//	site.toml → tables → queries → figures → charts, tables, narrative → pages + assets → writer
//
// The writer is the caller's (Options.Output): an Output folder (write.go)
// that is swapped in atomically when the caller commits it, single-file
// pages around it (singlefile.go), or, by default, memory (Result.Files).
// Everything is read through the fs.FS the caller gives, normally an
// os.Root over the site folder, so no symlink in the site can reach out.
package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// The pinned ECharts: package.json names the version, and the build refuses
// any other file, so every site ships exactly the code that was tested.
const (
	EChartsVersion = "5.6.0"
	EChartsSHA256  = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
	// EChartsDefault is where npm puts it, relative to the site root.
	EChartsDefault = "node_modules/echarts/dist/echarts.min.js"
)

// Dirs read as sources; the output may not sit inside any of them.
var SourceDirs = []string{"content", "data", "charts", "templates", "static", "queries", "tables"}

// Options configure a build.
type Options struct {
	// ECharts, when set, is used instead of reading the file named in
	// site.toml (or EChartsDefault). It is checked against the pin too.
	ECharts []byte
	// Limits bound the data loaders; zero means table.DefaultLimits.
	Limits *table.Limits
	// BaseURL, when set, overrides base_url in site.toml.
	BaseURL string
	// Static, when set, draws a chart option as an SVG image of the given
	// size; each chart then gets one, for print and for readers without
	// JavaScript (see package render).
	Static func(option []byte, width, height int) ([]byte, error)
	// Cache, when set, keeps tables between builds.
	Cache *Cache
	// Now gives the time of the "generated at" stamp (site.toml
	// generated_at); the command passes SOURCE_DATE_EPOCH when it is set.
	Now func() time.Time
	// Output, when set, gives the writer of the output once the sources
	// are read and nothing is written yet; it is called at most once. The
	// caller commits or aborts what it returned. Without it the output is
	// kept in memory, in Result.Files.
	Output func(cfg *config.Site) (site.Writer, error)
	// Workers is how many pages are rendered at once; 0 means one per core.
	Workers int
}

// StaticWidth is the width of the charts' SVG images, in pixels.
const StaticWidth = 800

// Result is a finished build.
type Result struct {
	Config   *config.Site
	Files    site.Files              // the output, when Options.Output is nil
	Tables   map[string]*table.Table // loaded tables and query results
	Charts   map[string]*chart.Chart // every chart placed, by name (one row's binding for per-row charts)
	Pages    int                     // pages from content files
	RowPages int                     // pages made per row
	Warnings []*diag.Error           // problems shown with a fallback; errors under --strict
	// SitePages are the prepared pages, for other editions (email).
	SitePages []site.Page
	// Expand replaces {{fig}} and {{if}} references in a string from
	// site.toml (such as the email subject) found at pos.
	Expand func(s string, pos diag.Pos) (string, error)
}

// Build reads the briefing in fsys and renders it.
func Build(fsys fs.FS, opt Options) (*Result, error) {
	cfg, err := config.Load(fsys)
	if err != nil {
		return nil, err
	}
	if opt.BaseURL != "" {
		cfg.BaseURL = opt.BaseURL
	}
	fm, err := format.New(format.Options{Currency: cfg.Currency, Locale: cfg.Locale, FiscalStart: cfg.FiscalYearStart})
	if err != nil {
		return nil, diag.Config.Errorf(cfg.Pos("locale"), "%v", err)
	}
	r := &Result{Config: cfg}
	if r.Tables, err = loadTables(fsys, cfg, opt); err != nil {
		return nil, err
	}
	db, err := query.Open(r.Tables)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := runQueries(fsys, db, r.Tables); err != nil {
		return nil, err
	}
	figs, err := figure.Load(fsys, db, checkFormat)
	if err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, figs.Warnings...)
	x := &refs{fm: fm, figs: figs, tables: r.Tables}
	if x.charts, err = loadChartSpecs(fsys); err != nil {
		return nil, err
	}
	if x.views, err = tableview.LoadSpecs(fsys); err != nil {
		return nil, err
	}
	pages, err := x.pages(fsys)
	if err != nil {
		return nil, err
	}
	r.SitePages = pages
	r.Expand = func(s string, pos diag.Pos) (string, error) {
		return narrative.ExpandText(s, pos, x.check(nil), x.inline(nil, nil))
	}
	r.Charts = map[string]*chart.Chart{}
	for _, p := range pages {
		for name, c := range p.Charts {
			r.Charts[name] = c
		}
	}
	tmpl, err := site.LoadTemplates(fsys)
	if err != nil {
		return nil, err
	}
	echarts, err := readECharts(fsys, cfg, opt)
	if err != nil {
		return nil, err
	}
	in := site.Input{Config: cfg, Pages: pages, ECharts: echarts, Funcs: template.FuncMap{"fig": x.templateFig}, Workers: opt.Workers}
	if cfg.GeneratedAt {
		now := time.Now
		if opt.Now != nil {
			now = opt.Now
		}
		in.Generated = now().UTC().Format("Jan 2, 2006 15:04 UTC")
	}
	links, err := write(fsys, tmpl, in, opt, r)
	if err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, links...)
	for _, p := range pages {
		if p.InNav {
			r.Pages++
		} else {
			r.RowPages++
		}
	}
	return r, nil
}

// drawStatic draws every placed chart as an SVG file under assets/charts/,
// named by the chart and a hash of its option (a chart made per row has
// one image per row), points the chart at it, and writes each image to w
// as soon as it is drawn. It returns the names of the images. Images are
// drawn by several goroutines; draw must be safe for concurrent use. Of
// several failures, the first chart's in page order is reported.
func drawStatic(pages []site.Page, draw func([]byte, int, int) ([]byte, error), w site.Writer) ([]string, error) {
	if draw == nil {
		return nil, nil
	}
	type job struct {
		file string
		c    *chart.Chart
	}
	var jobs []job
	queued := map[string]bool{}
	for _, p := range pages {
		for _, name := range p.Doc.Charts {
			c := p.Charts[name]
			sum := sha256.Sum256(c.Option)
			c.Static = fmt.Sprintf("assets/charts/%s-%s.svg", c.Name, hex.EncodeToString(sum[:4]))
			if !queued[c.Static] {
				queued[c.Static] = true
				jobs = append(jobs, job{c.Static, c})
			}
		}
	}
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				c := jobs[i].c
				svg, err := draw(c.Option, StaticWidth, c.Height)
				if err != nil {
					errs[i] = diag.Chart.Wrap(diag.Pos{File: c.File}, fmt.Errorf("drawing chart %q: %w", c.Name, err))
					continue
				}
				errs[i] = w.WriteFile(jobs[i].file, svg)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	names := make([]string, len(jobs))
	for i, j := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		names[i] = j.file
	}
	return names, nil
}

// checkFormat tells figures whether a format can show a kind of value.
func checkFormat(name string, k table.Kind) error {
	sp, err := format.ParseSpec(name)
	if err != nil {
		return err
	}
	return format.Check(sp, k)
}

func loadTables(fsys fs.FS, cfg *config.Site, opt Options) (map[string]*table.Table, error) {
	lim := table.DefaultLimits
	if opt.Limits != nil {
		lim = *opt.Limits
	}
	tables := map[string]*table.Table{}
	var errs []error
	for _, name := range cfg.TableNames() {
		t, err := opt.Cache.load(fsys, cfg.TableSpec(name), lim)
		if err != nil {
			errs = append(errs, err) // tables are independent: report every bad one
			continue
		}
		tables[name] = t
	}
	return tables, diag.Join(errs...)
}

// runQueries runs queries/*.sql in dependency order; each result becomes
// a table that charts, tables, figures and later queries can use.
func runQueries(fsys fs.FS, db *query.DB, tables map[string]*table.Table) error {
	srcs, err := query.LoadSources(fsys)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		if t, clash := tables[s.Name]; clash {
			return diag.Query.Errorf(diag.Pos{File: s.File, Line: 1, Col: 1}, "query %q has the name of the table loaded from %s; rename the file", s.Name, t.File)
		}
	}
	if srcs, err = query.Order(srcs); err != nil {
		return err
	}
	for _, s := range srcs {
		t, err := db.Run(s)
		if err != nil {
			return err
		}
		if err := db.Add(t); err != nil {
			return err
		}
		tables[s.Name] = t
	}
	return nil
}

func loadChartSpecs(fsys fs.FS) (map[string]*chart.Spec, error) {
	specs, err := chart.LoadSpecs(fsys)
	if err != nil {
		return nil, err
	}
	m := map[string]*chart.Spec{}
	for _, s := range specs {
		m[s.Name()] = s
	}
	return m, nil
}

// readECharts returns the pinned echarts.min.js, or nothing when the site
// opted in to a CDN copy.
func readECharts(fsys fs.FS, cfg *config.Site, opt Options) ([]byte, error) {
	if cfg.Assets.EChartsURL != "" {
		return nil, nil
	}
	b, where := opt.ECharts, "BRIEFING_ECHARTS"
	if b == nil {
		where = cfg.Assets.ECharts
		if where == "" {
			where = EChartsDefault
		}
		var err error
		if b, err = fs.ReadFile(fsys, where); err != nil {
			return nil, diag.Config.Errorf(diag.Pos{File: where}, "ECharts %s is not installed: run `npm ci` in this repository, or `npm install --prefix SITE_DIR echarts@%s` for a briefing elsewhere", EChartsVersion, EChartsVersion)
		}
	}
	if err := VerifyECharts(b, where); err != nil {
		return nil, err
	}
	return b, nil
}

// VerifyECharts checks echarts.min.js (read from where) against the pin.
func VerifyECharts(b []byte, where string) error {
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != EChartsSHA256 {
		return diag.Config.Errorf(diag.Pos{File: where}, "echarts.min.js has sha256 %s, not the pinned ECharts %s (%s); reinstall with `npm ci`", got[:12], EChartsVersion, EChartsSHA256[:12])
	}
	return nil
}

// addStatic copies static/ verbatim to the output root, other files before
// pages (.html), so that a single-file page finds the images it inlines.
// taken holds the names the build writes itself; it returns the names it
// wrote.
func addStatic(fsys fs.FS, w site.Writer, taken map[string]bool) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "static" {
				return fs.SkipAll
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if rel := strings.TrimPrefix(p, "static/"); taken[rel] {
			return diag.Content.Errorf(diag.Pos{File: p}, "static file would overwrite the generated %s", rel)
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copying static/: %w", err)
	}
	slices.SortStableFunc(files, func(a, b string) int { return pageRank(a) - pageRank(b) })
	var names []string
	for _, p := range files {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("copying static/: %w", err)
		}
		rel := strings.TrimPrefix(p, "static/")
		if err := w.WriteFile(rel, b); err != nil {
			return nil, err
		}
		names = append(names, rel)
	}
	return names, nil
}
