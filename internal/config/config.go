// Package config reads site.toml, the file that describes a briefing: its
// title and period, language and currency, where its data comes from and
// how each table's columns are typed, and where the output goes.
//
// Reading goes Default → Parse → Validate. Every key must be known: a
// misspelt key is an error at its file:line:col, not a silent default.
package config

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// File is the name of the configuration file at the site root.
const File = "site.toml"

// Site is the parsed site.toml.
type Site struct {
	Title    string `toml:"title"`
	Subtitle string `toml:"subtitle"`
	Period   string `toml:"period"`   // e.g. "March 2022", shown under the title
	Language string `toml:"language"` // BCP 47 tag for <html lang>, default "en"
	Locale   string `toml:"locale"`   // number formatting locale, default "en-US"
	Currency string `toml:"currency"` // ISO 4217 code, default "USD"
	// FiscalYearStart is the month (1–12) the fiscal year starts; quarters
	// show as "Q2 FY24" when it is not January.
	FiscalYearStart int               `toml:"fiscal_year_start"`
	BaseURL         string            `toml:"base_url"` // where the site is published; links stay relative
	Output          string            `toml:"output"`   // output directory, relative to the site root
	Data            map[string]*Data  `toml:"data"`
	Assets          Assets            `toml:"assets"`
	Params          map[string]string `toml:"params"` // free text for templates

	src []byte
	ix  *tomlpos.Index
}

// Data describes one table.
type Data struct {
	File      string            `toml:"file"`
	Sheet     string            `toml:"sheet"`
	Key       string            `toml:"key"`
	HeaderRow int               `toml:"header_row"`
	Columns   map[string]string `toml:"columns"` // column name → type
}

// Assets chooses where ECharts comes from.
type Assets struct {
	// ECharts is the site-relative path of echarts.min.js, checked against
	// the pinned checksum. Default: node_modules/echarts/dist/echarts.min.js.
	ECharts string `toml:"echarts"`
	// EChartsURL opts in to loading ECharts from a CDN instead of copying
	// it; EChartsIntegrity (an SRI hash) is then required.
	EChartsURL       string `toml:"echarts_url"`
	EChartsIntegrity string `toml:"echarts_integrity"`
}

// Default returns the settings used where site.toml is silent.
func Default() *Site {
	return &Site{Language: "en", Locale: "en-US", Currency: "USD", Output: "output"}
}

// Load reads and validates site.toml from fsys.
func Load(fsys fs.FS) (*Site, error) {
	src, err := fs.ReadFile(fsys, File)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: File}, "cannot read: %v (is this a briefing folder?)", err)
	}
	return Parse(src)
}

// Parse decodes and validates the content of site.toml.
func Parse(src []byte) (*Site, error) {
	s := Default()
	if _, err := tomlpos.Decode(File, src, s); err != nil {
		return nil, err
	}
	s.src, s.ix = src, tomlpos.New(File, src)
	return s, s.Validate()
}

// Validate checks values that decoding alone cannot.
func (s *Site) Validate() error {
	if strings.TrimSpace(s.Title) == "" {
		return diag.Errorf(diag.Pos{File: File, Line: 1, Col: 1}, "title is required")
	}
	if s.FiscalYearStart < 0 || s.FiscalYearStart > 12 {
		return diag.Errorf(s.ix.Value("fiscal_year_start"), "fiscal_year_start %d: want a month, 1 to 12", s.FiscalYearStart)
	}
	if strings.TrimSpace(s.Output) == "" {
		return diag.Errorf(s.ix.Value("output"), "output must name a directory")
	}
	for _, name := range s.TableNames() {
		d := s.Data[name]
		if !validName(name) {
			return diag.Errorf(s.ix.Key("data", name), "table name %q: use letters, digits and underscores", name)
		}
		if d.File == "" {
			return diag.Errorf(s.ix.Key("data", name), "table %q: file is required", name)
		}
		if !validRelPath(d.File) {
			return diag.Errorf(s.ix.Value("data", name, "file"), "table %q: file %q must be a relative path inside the site", name, d.File)
		}
		if d.HeaderRow < 0 {
			return diag.Errorf(s.ix.Value("data", name, "header_row"), "header_row must be 1 or more")
		}
		for col, kind := range d.Columns {
			if _, err := table.ParseKind(kind); err != nil {
				return diag.Errorf(s.ix.Value("data", name, "columns", col), "table %q: column %q: %v", name, col, err)
			}
		}
	}
	if (s.Assets.EChartsURL == "") != (s.Assets.EChartsIntegrity == "") {
		return diag.Errorf(s.ix.Key("assets"), "echarts_url and echarts_integrity go together: a CDN copy must be pinned by its SRI hash")
	}
	if u := s.Assets.EChartsURL; u != "" && !strings.HasPrefix(u, "https://") {
		return diag.Errorf(s.ix.Value("assets", "echarts_url"), "echarts_url must be an https URL")
	}
	return nil
}

// TableNames lists the declared tables in name order.
func (s *Site) TableNames() []string {
	names := make([]string, 0, len(s.Data))
	for n := range s.Data {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TableSpec returns the loader spec of the table called name.
func (s *Site) TableSpec(name string) table.Spec {
	d := s.Data[name]
	cols := make(map[string]table.Kind, len(d.Columns))
	for c, k := range d.Columns {
		cols[c], _ = table.ParseKind(k)
	}
	return table.Spec{
		Name: name, File: d.File, Sheet: d.Sheet, Key: d.Key, HeaderRow: d.HeaderRow, Columns: cols,
		Where:     s.ix.Key("data", name),
		ColumnPos: func(col string) diag.Pos { return s.ix.Key("data", name, "columns", col) },
	}
}

// Pos locates a key of site.toml, for errors found later in the build.
func (s *Site) Pos(path ...string) diag.Pos { return s.ix.Value(path...) }

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validRelPath accepts a clean, slash-separated path that stays inside the
// site: no leading slash, no "..", no backslashes.
func validRelPath(p string) bool {
	return p != "" && fs.ValidPath(p) && !strings.Contains(p, `\`)
}
