// Package chart turns chart definitions (charts/*.toml) into ECharts
// options bound to the loaded tables.
//
// A definition names a table, the column that gives categories (x), the
// value column (y) and optionally a column whose values split the data into
// series; or it lists its series one by one ([[series]]), which is how a bar
// and a line share a chart on two axes. Options are assembled with
// go-echarts and handed on as JSON data. go-echarts' own HTML rendering is
// never used: it writes options unescaped, so data text could run as
// script. Number formats travel as names that the chart script resolves to
// its own functions; no JavaScript ever comes from a definition.
package chart

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// Dir is the folder of chart definitions.
const Dir = "charts"

// Types lists the chart types a definition may ask for.
var Types = []string{"bar", "line", "area", "pie", "donut", "combo"}

// Spec is one chart definition, as written in charts/NAME.toml. Its
// title, subtitle and source may quote figures ({{fig NAME}}, {{row COL}},
// {{if …}}); the page stage expands them where the chart is placed. A
// series name is shown as written: a reference there is an error.
type Spec struct {
	Type       string       `toml:"type"`
	Table      string       `toml:"table"`
	Title      string       `toml:"title"`
	Subtitle   string       `toml:"subtitle"`
	Source     string       `toml:"source"` // source note shown under the chart
	X          string       `toml:"x"`      // category column
	Y          string       `toml:"y"`      // value column
	Split      string       `toml:"split"`  // one series per value of this column
	Agg        string       `toml:"agg"`    // sum (default), count, mean, last
	Stack      bool         `toml:"stack"`
	Horizontal bool         `toml:"horizontal"`
	Sort       string       `toml:"sort"`   // "", "asc", "desc": order categories by value
	Top        int          `toml:"top"`    // keep the N largest series (or slices), fold the rest into Other
	Latest     string       `toml:"latest"` // keep only rows holding this column's latest value
	XSeparator string       `toml:"x_separator"`
	Format     string       `toml:"format"` // number format of values: see format.Names
	Height     int          `toml:"height"` // pixels, default 360
	Join       *Join        `toml:"join"`
	Each       string       `toml:"each"` // on a page made per row: keep rows whose column matches the page's row
	Series     []SeriesSpec `toml:"series"`
	// Previous marks each value's level in the briefing's previous
	// edition (a series made a series of editions by [editions] in
	// site.toml): a short dash per category. Bar, line, area and combo
	// charts that are not stacked.
	Previous bool `toml:"previous"`
	// Static = false draws no image of the chart for print, readers
	// without JavaScript and --single-file: they get its data table. Unset,
	// the site's default ([charts] static in site.toml) holds.
	Static *bool `toml:"static"`

	name string
	file string
	ix   *tomlpos.Index
}

// Join brings the columns of another table into each row, matched on a
// column both tables share.
type Join struct {
	Table string `toml:"table"`
	On    string `toml:"on"`
}

// SeriesSpec is one explicitly listed series.
type SeriesSpec struct {
	Name   string  `toml:"name"`
	Y      string  `toml:"y"`
	Type   string  `toml:"type"` // bar or line; default from the chart
	Axis   string  `toml:"axis"` // left (default) or right
	Agg    string  `toml:"agg"`
	Scale  float64 `toml:"scale"` // multiply values, e.g. 12 for an annual run-rate
	Format string  `toml:"format"`
}

// Name is the chart's name: its file name without .toml.
func (s *Spec) Name() string { return s.name }

// StaticImage reports whether the chart is drawn as an image, given the
// site's default.
func (s *Spec) StaticImage(siteDefault bool) bool {
	if s.Static != nil {
		return *s.Static
	}
	return siteDefault
}

// TextPos returns where the text of the string value of key begins in
// the definition: references in a title are placed from it.
func (s *Spec) TextPos(key string) diag.Pos { return s.ix.TextStart(key) }

// File is the site-relative path of the definition.
func (s *Spec) File() string { return s.file }

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// LoadSpecs reads every charts/*.toml in fsys, in name order. A site
// without charts/ has no charts.
func LoadSpecs(fsys fs.FS) ([]*Spec, error) {
	var specs []*Spec
	err := tomlpos.EachFile(fsys, Dir, func(file string, src []byte) error {
		s, err := ParseSpec(file, src)
		if err == nil {
			specs = append(specs, s)
		}
		return err
	})
	return specs, err
}

// ParseSpec decodes one chart definition and checks what it can without
// the data: the type, the formats, the shape of [[series]].
func ParseSpec(file string, src []byte) (*Spec, error) {
	name := strings.TrimSuffix(path.Base(file), ".toml")
	if !namePattern.MatchString(name) {
		return nil, diag.Chart.Errorf(diag.Pos{File: file}, "chart file name %q: use lower-case letters, digits, - and _", name)
	}
	s := &Spec{name: name, file: file}
	if _, err := tomlpos.Decode(diag.Chart, file, src, s); err != nil {
		return nil, err
	}
	s.ix = tomlpos.New(file, src)
	if !slices.Contains(Types, s.Type) {
		return nil, s.errf(s.ix.Value("type"), "unknown chart type %q (want one of %s)", s.Type, strings.Join(Types, ", "))
	}
	if s.Table == "" {
		return nil, s.errf(diag.Pos{File: file, Line: 1, Col: 1}, "table is required")
	}
	if err := s.checkFormat(s.Format, s.ix.Value("format")); err != nil {
		return nil, err
	}
	for i, ss := range s.Series {
		if err := s.checkFormat(ss.Format, s.ix.ElemValue("series", i, "format")); err != nil {
			return nil, err
		}
		if ss.Type != "" && ss.Type != "bar" && ss.Type != "line" {
			return nil, s.errf(s.ix.ElemValue("series", i, "type"), "series type %q: want bar or line", ss.Type)
		}
		if ss.Axis != "" && ss.Axis != "left" && ss.Axis != "right" {
			return nil, s.errf(s.ix.ElemValue("series", i, "axis"), "axis %q: want left or right", ss.Axis)
		}
		if err := tomlpos.NoReference(diag.Chart, ss.Name, s.ix.ElemTextStart("series", i, "name"), fmt.Sprintf("chart %q: a series name", s.name)); err != nil {
			return nil, err
		}
		if ss.Y == "" && aggOf(ss.Agg, s.Agg) != "count" {
			return nil, s.errf(s.ix.Elem("series", i), "series %d: y is required", i+1)
		}
	}
	switch {
	case s.Type == "combo" && len(s.Series) < 2:
		return nil, s.errf(diag.Pos{File: file, Line: 1, Col: 1}, "a combo chart lists at least two [[series]]")
	case len(s.Series) > 0 && s.Split != "":
		return nil, s.errf(s.ix.Key("split"), "split and [[series]] cannot be combined")
	case len(s.Series) == 0 && s.Y == "" && aggOf(s.Agg, "") != "count":
		return nil, s.errf(diag.Pos{File: file, Line: 1, Col: 1}, "y (the value column) is required")
	case s.X == "":
		return nil, s.errf(diag.Pos{File: file, Line: 1, Col: 1}, "x (the category column) is required")
	case s.Sort != "" && s.Sort != "asc" && s.Sort != "desc":
		return nil, s.errf(s.ix.Value("sort"), "sort %q: want asc or desc", s.Sort)
	case s.Top < 0:
		return nil, s.errf(s.ix.Value("top"), "top must be positive")
	case s.Previous && (s.Type == "pie" || s.Type == "donut" || s.Stack):
		return nil, s.errf(s.ix.Value("previous"), "previous marks the last edition's values on a bar, line, area or combo chart that is not stacked")
	case s.Height != 0 && (s.Height < 120 || s.Height > 2000):
		return nil, s.errf(s.ix.Value("height"), "height %d: want 120 to 2000 pixels", s.Height)
	}
	for _, a := range []struct{ v, key string }{{s.Agg, "agg"}} {
		if a.v != "" && !slices.Contains(aggs, a.v) {
			return nil, s.errf(s.ix.Value(a.key), "agg %q: want one of %s", a.v, strings.Join(aggs, ", "))
		}
	}
	for i, ss := range s.Series {
		if ss.Agg != "" && !slices.Contains(aggs, ss.Agg) {
			return nil, s.errf(s.ix.ElemValue("series", i, "agg"), "agg %q: want one of %s", ss.Agg, strings.Join(aggs, ", "))
		}
	}
	return s, nil
}

var aggs = []string{"sum", "count", "mean", "last"}

func aggOf(own, chart string) string {
	if own != "" {
		return own
	}
	if chart != "" {
		return chart
	}
	return "sum"
}

func (s *Spec) checkFormat(name string, pos diag.Pos) error {
	if name == "" {
		return nil
	}
	if sp, err := format.ParseSpec(name); err != nil || !sp.Numeric() {
		return s.errf(pos, "unknown format %q (want one of %s, optionally with :DECIMALS)", name, strings.Join(format.NumericNames, ", "))
	}
	return nil
}

func (s *Spec) errf(pos diag.Pos, f string, args ...any) error {
	return diag.Chart.Errorf(pos, "chart %q: %s", s.name, fmt.Sprintf(f, args...))
}
