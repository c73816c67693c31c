// Package build is the one orchestrator: it reads a briefing's sources from
// an fs.FS and writes its output to a site.Writer as each file is made.
//
//	site.toml → tables → queries → figures → pages (package page) → images, assets, pages → writer
//
// The writer is the caller's (Options.Output): an Output folder (write.go)
// that is swapped in atomically when the caller commits it, single-file
// pages around it (singlefile.go), or, by default, memory (Result.Files).
// Chart images come from the chart-image service in Options.Images, which
// keeps its own cache. Everything is read through the fs.FS the caller
// gives, normally an os.Root over the site folder, so no symlink in the
// site can reach out.
package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/echarts"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/render/fonts"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/source"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// The pinned ECharts (package echarts): package.json names the version,
// and the build refuses any other file, so every site ships exactly the
// code that was tested.
const (
	EChartsVersion = echarts.Version
	EChartsSHA256  = echarts.SHA256
	// EChartsDefault is where npm puts it, relative to the site root.
	EChartsDefault = "node_modules/echarts/dist/echarts.min.js"
)

// Dirs read as sources; the output may not sit inside any of them.
var SourceDirs = []string{"content", "data", "charts", "templates", "static", "queries", "tables", source.SnapshotDir, "editions"}

// Options configure a build.
type Options struct {
	// ECharts, when set, is used instead of reading the file named in
	// site.toml (or EChartsDefault). It is checked against the pin too.
	ECharts []byte
	// DrawECharts, when set, is a drawing build of ECharts found beside
	// ECharts (render.BesidePath); used only if it is the pinned one.
	DrawECharts []byte
	// UserECharts, when set, is the user's copy of ECharts, read (and
	// filled with npm the first time) when the site has charts and neither
	// ECharts, site.toml nor the site's node_modules gives one.
	UserECharts *echarts.UserCopy
	// Limits bound the data loaders; zero means table.DefaultLimits.
	Limits *table.Limits
	// BaseURL, when set, overrides base_url in site.toml.
	BaseURL string
	// Images, when set, makes the charts' images (package chartimage):
	// each chart on the pages gets an SVG, for print and for readers
	// without JavaScript, unless it or site.toml opts out, and
	// Result.Images makes other editions' images the same way.
	Images *chartimage.Service
	// SkipStatic draws no SVGs for the pages (an edition that makes its
	// own images, such as the email, needs none).
	SkipStatic bool
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
	// Drafts includes the pages marked draft = true (serve --drafts).
	Drafts bool
	// Sources say how source queries reach their databases (package
	// source): the environment their connection strings come from, or
	// offline, from the snapshots.
	Sources source.Options
	// EditionNote, in a series, is shown next to the edition being built
	// on the archive page (briefing build --note).
	EditionNote string
}

// StaticWidth is the width of the charts' SVG images, in pixels.
const StaticWidth = 800

// Result is a finished build.
type Result struct {
	Config   *config.Site
	Files    site.Files              // the output, when Options.Output is nil
	Tables   map[string]*table.Table // loaded tables and query results
	Charts   map[string]*chart.Chart // every chart placed, by name (one row's binding for per-row charts)
	Pages    int                     // pages from content files and sections' index pages
	RowPages int                     // pages made per row
	Warnings []*diag.Error           // problems shown with a fallback; errors under --strict
	// SitePages are the prepared pages, for other editions (email).
	SitePages []site.Page
	// Images makes chart images with the ECharts this build found; nil
	// without Options.Images.
	Images *chartimage.Session
	// Figures shows figures outside pages, such as in the email subject,
	// and in a series compares them with the previous edition
	// (Figures.Editions).
	Figures page.Figures
	// Record is the record of the build (package edition), written to the
	// output as briefing.json; RecordJSON is its bytes.
	Record     *edition.Record
	RecordJSON []byte
	// Series is the briefing's editions, with the one being built; nil
	// for a briefing that is not a series.
	Series *edition.Series
	// Generated is the "generated at" stamp the pages show, or "".
	Generated string
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
	sources := source.New(cfg.SourceConfigs(), opt.Sources)
	defer sources.Close()
	if r.Tables, err = loadTablesWith(fsys, cfg, sources, opt); err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, tableWarnings(cfg, r.Tables)...)
	var dkey string
	if opt.Cache != nil {
		dkey = dataKey(fsys, cfg, r.Tables)
	}
	var figs *figure.Set
	if m := opt.Cache.dataStage(dkey); m != nil {
		r.Tables, figs = maps.Clone(m.tables), m.figs
	} else {
		if figs, err = runData(fsys, cfg, r.Tables, sources, opt); err != nil {
			return nil, err
		}
		opt.Cache.keepData(dkey, r.Tables, figs)
	}
	r.Warnings = append(r.Warnings, sources.Warnings()...)
	r.Warnings = append(r.Warnings, figs.Warnings...)
	pin := page.Input{Format: fm, Figures: figs, Tables: r.Tables, Drafts: opt.Drafts}
	if pin.Charts, err = loadChartSpecs(fsys); err != nil {
		return nil, err
	}
	if pin.Views, err = tableview.LoadSpecs(fsys); err != nil {
		return nil, err
	}
	tableview.SetLabels(pin.Views, cfg.Labels)
	if r.Series, err = openSeries(fsys, cfg, figs, fm, opt); err != nil {
		return nil, err
	}
	if r.Series != nil {
		if err := checkHeadline(cfg, figs); err != nil {
			return nil, err
		}
		pin.Editions = edition.Compare(figs, r.Series.Current, r.Series.Previous, fm)
	}
	var world string
	if opt.Cache != nil {
		world = worldKey(fsys, dkey, opt, r.Series, "charts", "tables", "editions")
		pin.Memo, pin.MemoKey = &opt.Cache.pages, world
	}
	set, err := page.Prepare(fsys, pin)
	if err != nil {
		return nil, err
	}
	pages := set.Pages
	if r.Record, r.RecordJSON, err = opt.Cache.record(world, pages, func() (*edition.Record, []byte, error) {
		return makeRecord(fsys, cfg, r.Tables, figs, fm, pages, r.Series, opt)
	}); err != nil {
		return nil, err
	}
	if r.Series != nil {
		archive, err := archivePages(cfg, r.Series, r.Record)
		if err != nil {
			return nil, err
		}
		if err := archiveClash(pages, archive); err != nil {
			return nil, err
		}
		pages = append(pages, archive...)
		set.Nav = withArchive(set.Nav, page.Link{Title: archive[0].Title, Path: archivePath})
	}
	r.SitePages, r.Figures = pages, set.Figures
	r.Charts = map[string]*chart.Chart{}
	for _, p := range pages {
		for name, c := range p.Charts {
			r.Charts[name] = c
		}
	}
	var ship, drawWith []byte
	if len(r.Charts) > 0 { // a site without charts needs no ECharts
		if ship, drawWith, err = readECharts(fsys, cfg, opt); err != nil {
			return nil, err
		}
	}
	var faces *fonts.Set
	if opt.Images != nil && drawWith != nil {
		if faces, err = loadFonts(fsys, cfg); err != nil {
			return nil, err
		}
	}
	r.Images = openImages(opt.Images, cfg, drawWith, faces)
	tmpl, err := site.LoadTemplates(fsys)
	if err != nil {
		return nil, err
	}
	in := site.Input{Config: cfg, Pages: pages, Nav: set.Nav, ECharts: ship, Funcs: template.FuncMap{"fig": set.Figures.Show, "change": set.Figures.Change, "prev": set.Figures.Prev}, Workers: opt.Workers}
	if opt.Cache != nil && world != "" {
		in.Memo, in.MemoKey = &opt.Cache.html, worldKey(fsys, world, opt, nil, "templates", "static")
	}
	if cfg.GeneratedAt {
		in.Generated = now(opt)().UTC().Format("Jan 2, 2006 15:04 UTC")
		r.Generated = in.Generated
	}
	if err := write(fsys, tmpl, in, pin.Charts, opt, r); err != nil {
		return nil, err
	}
	if r.Images != nil && r.Images.CanDraw() {
		// An edition that draws its own images (email) draws every chart.
		drawn := func(c *chart.Chart) bool { return opt.SkipStatic || c.Static != "" }
		r.Warnings = append(r.Warnings, glyphWarnings(r.Charts, drawn, faces)...)
	}
	if r.Images != nil && r.Images.Problem() != nil {
		r.Warnings = append(r.Warnings, diag.Config.Errorf(cfg.Pos("cache", "dir"), "%v; chart images were drawn without it", r.Images.Problem()))
	}
	for _, p := range pages {
		if p.InNav || p.Section != "" || p.List != nil {
			r.Pages++
		} else {
			r.RowPages++
		}
	}
	return r, nil
}

// now is the build's clock: Options.Now, else the time of day.
func now(opt Options) func() time.Time {
	if opt.Now != nil {
		return opt.Now
	}
	return time.Now
}

// checkHeadline checks that [editions] headline names figures.
func checkHeadline(cfg *config.Site, figs *figure.Set) error {
	for _, name := range cfg.Editions.Headline {
		if _, ok := figs.Get(name); !ok {
			return diag.Config.Errorf(cfg.Pos("editions", "headline"), "[editions] headline: no figure %q (figures: %s)", name, strings.Join(figs.Names(), ", "))
		}
	}
	return nil
}

// openImages opens the build's session of the chart-image service, or
// returns nil without one.
func openImages(svc *chartimage.Service, cfg *config.Site, echarts []byte, set *fonts.Set) *chartimage.Session {
	if svc == nil {
		return nil
	}
	return svc.Session(chartimage.Source{ECharts: echarts, Dir: cfg.Cache.Dir, MaxBytes: int64(cfg.Cache.MaxMB) << 20, Fonts: set})
}

// drawStatic draws every placed chart that wants a static image (spec's
// static key, else the site's default) as an SVG file under
// assets/charts/, named by the chart and a hash of its option (a chart made
// per row has one image per row), points the chart at it, and writes the
// images to w. It returns their names. Nothing is drawn without images, or
// when the build found no ECharts it can run (a site on a CDN copy with no
// copy of its own). Of several failures, the first chart's in page order is
// reported.
func drawStatic(pages []site.Page, specs map[string]*chart.Spec, siteDefault bool, images *chartimage.Session, w site.Writer) ([]string, error) {
	if images == nil || !images.CanDraw() {
		return nil, nil
	}
	var charts []*chart.Chart
	var reqs []chartimage.Request
	queued := map[string]bool{}
	for _, p := range pages {
		for _, name := range p.Doc.Charts {
			c := p.Charts[name]
			if s := specs[c.Name]; s != nil && !s.StaticImage(siteDefault) {
				continue
			}
			sum := sha256.Sum256(c.Option)
			c.Static = fmt.Sprintf("assets/charts/%s-%s.svg", c.Name, hex.EncodeToString(sum[:4]))
			if !queued[c.Static] {
				queued[c.Static] = true
				charts = append(charts, c)
				reqs = append(reqs, chartimage.Request{Option: c.Option, Width: StaticWidth, Height: c.Height})
			}
		}
	}
	svgs, errs := images.Draw(reqs)
	names := make([]string, len(charts))
	for i, c := range charts {
		if errs[i] != nil {
			return nil, diag.Chart.Wrap(diag.Pos{File: c.File}, fmt.Errorf("drawing chart %q: %w", c.Name, errs[i]))
		}
		if err := w.WriteFile(c.Static, svgs[i]); err != nil {
			return nil, err
		}
		names[i] = c.Static
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
	sources := source.New(cfg.SourceConfigs(), opt.Sources)
	defer sources.Close()
	return loadTablesWith(fsys, cfg, sources, opt)
}

// loadTablesWith loads the tables of site.toml, those made by source
// queries from sources.
func loadTablesWith(fsys fs.FS, cfg *config.Site, sources *source.Set, opt Options) (map[string]*table.Table, error) {
	lim := opt.limits()
	tables := map[string]*table.Table{}
	var errs []error
	for _, name := range cfg.TableNames() {
		var t *table.Table
		var err error
		if cfg.IsSourceTable(name) {
			t, err = opt.Cache.loadSource(fsys, name, sources.Table(cfg.SourceQuery(name)), lim)
		} else {
			t, err = opt.Cache.load(fsys, cfg.TableSpec(name), lim)
		}
		if err != nil {
			errs = append(errs, err) // tables are independent: report every bad one
			continue
		}
		tables[name] = t
	}
	return tables, diag.Join(distinct(errs)...)
}

// runData runs the data stage on the loaded tables: the queries (whose
// results it adds to tables), then the figures.
func runData(fsys fs.FS, cfg *config.Site, tables map[string]*table.Table, sources *source.Set, opt Options) (*figure.Set, error) {
	db, err := query.Open(tables)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.SetLimits(cfg.QueryLimits()); err != nil {
		return nil, err
	}
	if err := runAllQueries(fsys, db, tables, sources, opt); err != nil {
		return nil, err
	}
	return figure.Load(fsys, db, checkFormat)
}

// runQueries runs queries/*.sql in dependency order; each result becomes
// a table that charts, tables, figures and later queries can use.
func runQueries(fsys fs.FS, db *query.DB, tables map[string]*table.Table) error {
	return runAllQueries(fsys, db, tables, source.New(nil, source.Options{}), Options{})
}

// runAllQueries runs queries/*.sql: those that name a source on it (or
// from their snapshots), then the others in dependency order.
func runAllQueries(fsys fs.FS, db *query.DB, tables map[string]*table.Table, sources *source.Set, opt Options) error {
	srcs, err := query.LoadSources(fsys)
	if err != nil {
		return err
	}
	if err := query.CheckNames(srcs, tables); err != nil {
		return err
	}
	if srcs, err = runSourceQueries(fsys, srcs, db, tables, sources, opt); err != nil {
		return err
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

// readECharts returns the pinned echarts.min.js to copy into the output
// (nil when the site opted in to a CDN copy) and the one to draw static
// images with (render.Drawing: the smaller drawing build when npm installed
// it in the site). Both are found the same way: BRIEFING_ECHARTS (opt.ECharts),
// else [assets] echarts in site.toml, else EChartsDefault in the site,
// else the user's copy (opt.UserECharts, package echarts). A CDN site may
// have no copy of its own; it then has no static images.
func readECharts(fsys fs.FS, cfg *config.Site, opt Options) (ship, draw []byte, err error) {
	b, err := findECharts(fsys, cfg, opt)
	if cfg.Assets.EChartsURL != "" {
		if err != nil {
			return nil, nil, nil
		}
		return nil, render.Drawing(fsys, b, opt.DrawECharts), nil
	}
	return b, render.Drawing(fsys, b, opt.DrawECharts), err
}

func findECharts(fsys fs.FS, cfg *config.Site, opt Options) ([]byte, error) {
	if opt.ECharts != nil {
		return opt.ECharts, VerifyECharts(opt.ECharts, "BRIEFING_ECHARTS")
	}
	if where := cfg.Assets.ECharts; where != "" {
		b, err := fs.ReadFile(fsys, where)
		if err != nil {
			return nil, diag.Config.Errorf(cfg.Pos("assets", "echarts"), "echarts %q: %v; install ECharts %s there (`npm install echarts@%s`), or remove the key to use the user's copy", where, err, EChartsVersion, EChartsVersion)
		}
		return b, VerifyECharts(b, where)
	}
	b, err := fs.ReadFile(fsys, EChartsDefault)
	if err == nil {
		return b, VerifyECharts(b, EChartsDefault)
	}
	if opt.UserECharts == nil {
		return nil, diag.Config.Errorf(diag.Pos{File: EChartsDefault}, "ECharts %s is not installed: run `npm ci` in this repository, or `npm install --prefix SITE_DIR echarts@%s` for a briefing elsewhere", EChartsVersion, EChartsVersion)
	}
	if b, err = opt.UserECharts.Load(); err != nil {
		return nil, diag.Config.Errorf(diag.Pos{File: opt.UserECharts.Path()}, "%v", err)
	}
	return b, nil
}

// VerifyECharts checks echarts.min.js (read from where) against the pin.
func VerifyECharts(b []byte, where string) error {
	if err := echarts.Verify(b); err != nil {
		return diag.Config.Errorf(diag.Pos{File: where}, "%v; reinstall with `npm ci`", err)
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
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := fs.Stat(fsys, p) // a link out of the site is an error here
			if err != nil || !fi.Mode().IsRegular() {
				return err
			}
		} else if !d.Type().IsRegular() {
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

// withArchive puts the archive of editions in the top bar: last, or just
// before the link to every page when the bar is full.
func withArchive(nav []page.Link, archive page.Link) []page.Link {
	if len(nav) > page.MaxNav {
		more := nav[len(nav)-1]
		return append(append(nav[:len(nav)-1:len(nav)-1], archive), more)
	}
	return append(nav, archive)
}
