// Package build is the one orchestrator: it reads a briefing's sources from
// an fs.FS and returns its output as in-memory files.
//
//	site.toml → tables → charts → narrative → pages + assets
//
// Build writes nothing; Write (write.go) puts the files on disk, atomically.
// Everything is read through the fs.FS the caller gives, normally an
// os.Root over the site folder, so no symlink in the site can reach out.
package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
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
var SourceDirs = []string{"content", "data", "charts", "templates", "static"}

// Options configure a build.
type Options struct {
	// ECharts, when set, is used instead of reading the file named in
	// site.toml (or EChartsDefault). It is checked against the pin too.
	ECharts []byte
	// Limits bound the data loaders; zero means table.DefaultLimits.
	Limits *table.Limits
	// BaseURL, when set, overrides base_url in site.toml.
	BaseURL string
}

// Result is a finished build.
type Result struct {
	Config *config.Site
	Files  site.Files
	Tables map[string]*table.Table
	Charts map[string]*chart.Chart
	Pages  int
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
	r := &Result{Config: cfg}
	if r.Tables, err = loadTables(fsys, cfg, opt); err != nil {
		return nil, err
	}
	if r.Charts, err = bindCharts(fsys, cfg, r.Tables); err != nil {
		return nil, err
	}
	pages, err := loadPages(fsys, r.Charts)
	if err != nil {
		return nil, err
	}
	tmpl, err := site.LoadTemplates(fsys)
	if err != nil {
		return nil, err
	}
	echarts, err := readECharts(fsys, cfg, opt)
	if err != nil {
		return nil, err
	}
	r.Files, err = site.Render(tmpl, site.Input{Config: cfg, Pages: pages, Charts: r.Charts, ECharts: echarts})
	if err != nil {
		return nil, err
	}
	if err := addStatic(fsys, r.Files); err != nil {
		return nil, err
	}
	r.Pages = len(pages)
	return r, nil
}

func loadTables(fsys fs.FS, cfg *config.Site, opt Options) (map[string]*table.Table, error) {
	lim := table.DefaultLimits
	if opt.Limits != nil {
		lim = *opt.Limits
	}
	tables := map[string]*table.Table{}
	for _, name := range cfg.TableNames() {
		t, err := table.Load(fsys, cfg.TableSpec(name), lim)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

func bindCharts(fsys fs.FS, cfg *config.Site, tables map[string]*table.Table) (map[string]*chart.Chart, error) {
	specs, err := chart.LoadSpecs(fsys)
	if err != nil {
		return nil, err
	}
	charts := map[string]*chart.Chart{}
	for _, s := range specs {
		c, err := chart.Bind(s, tables, cfg.Currency)
		if err != nil {
			return nil, err
		}
		charts[s.Name()] = c
	}
	return charts, nil
}

// loadPages parses content/**/*.md, leaves drafts out, and orders pages by
// their front-matter order, then by path.
func loadPages(fsys fs.FS, charts map[string]*chart.Chart) ([]site.Page, error) {
	var pages []site.Page
	known := func(name string) bool { return charts[name] != nil }
	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return diag.Errorf(diag.Pos{File: "content"}, "no content folder: a briefing needs at least content/index.md")
			}
			return err
		}
		if d.IsDir() || path.Ext(p) != ".md" {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := narrative.Parse(p, src, known)
		if err != nil {
			return err
		}
		if !doc.Meta.Draft {
			pages = append(pages, site.Page{Doc: doc, Path: site.PagePath(p)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, diag.Errorf(diag.Pos{File: "content"}, "no pages: add content/index.md")
	}
	sort.SliceStable(pages, func(i, j int) bool {
		a, b := pages[i], pages[j]
		if a.Doc.Meta.Order != b.Doc.Meta.Order {
			return a.Doc.Meta.Order < b.Doc.Meta.Order
		}
		return a.Path < b.Path
	})
	return pages, nil
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
			return nil, diag.Errorf(diag.Pos{File: where}, "ECharts %s is not installed: run `npm ci` in this repository, or `npm install --prefix SITE_DIR echarts@%s` for a briefing elsewhere", EChartsVersion, EChartsVersion)
		}
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != EChartsSHA256 {
		return nil, diag.Errorf(diag.Pos{File: where}, "echarts.min.js has sha256 %s, not the pinned ECharts %s (%s); reinstall with `npm ci`", got[:12], EChartsVersion, EChartsSHA256[:12])
	}
	return b, nil
}

// addStatic copies static/ verbatim to the output root.
func addStatic(fsys fs.FS, files site.Files) error {
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
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		if _, taken := files[rel]; taken {
			return diag.Errorf(diag.Pos{File: p}, "static file would overwrite the generated %s", rel)
		}
		files[rel] = b
		return nil
	})
	if err != nil {
		return fmt.Errorf("copying static/: %w", err)
	}
	return nil
}
