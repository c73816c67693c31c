package chart

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// Chart is a bound chart, ready to place on a page.
type Chart struct {
	Name     string
	File     string // the definition, for messages
	Type     string
	Title    string
	Subtitle string
	Source   string
	Height   int
	// Option is the ECharts option as JSON. encoding/json escapes <, > and
	// &, so it can sit inside a <script type="application/json"> element.
	Option json.RawMessage
	// Data is the chart's data as text, for an accessible table.
	Data DataTable
	// Categories and Series are the chart's data as numbers, for the
	// record of the build and the next edition's markers.
	Categories []string
	Series     []Series
	// Static is the site-relative path of the chart drawn as an SVG image,
	// for readers without JavaScript and for print; empty when the build
	// draws no static images.
	Static string
}

// Series is one series of a bound chart: a value per category, NaN where
// there is none.
type Series struct {
	Name   string
	Format string
	Values []float64
	Right  bool // on the right-hand axis
	// Previous marks a series added by MarkPrevious: the last edition's
	// values, not this edition's data.
	Previous bool
}

// DataTable is a chart's data as a plain table.
type DataTable struct {
	Header []string
	Rows   [][]string
}

// meta is what the chart script reads besides the ECharts option: number
// formats by name, for each value axis and each series.
type meta struct {
	Currency      string   `json:"currency"`
	Group         string   `json:"group"`
	Decimal       string   `json:"decimal"`
	AxisFormats   []string `json:"axisFormats,omitempty"`
	SeriesFormats []string `json:"seriesFormats"`
	Horizontal    bool     `json:"horizontal,omitempty"`
}

// RowFunc gives the canonical text of a column of the page's row, for
// charts made per row (each = COLUMN).
type RowFunc func(col string) (string, bool)

// Expander resolves the references in the text of the definition's key
// (title, subtitle or source): the page stage's, for the page the chart
// is placed on.
type Expander func(key, text string) (string, error)

// Bind computes a chart's data from the tables and builds its option.
// row is nil except on a page made per row. Texts are used as written.
func Bind(s *Spec, tables map[string]*table.Table, fm *format.Formatter, row RowFunc) (*Chart, error) {
	return BindExpanded(s, tables, fm, row, nil)
}

// BindExpanded is Bind with the title, subtitle and source passed through
// expand first, so that the chart (a single series is named by the
// title) and its data table read the resolved text.
func BindExpanded(s *Spec, tables map[string]*table.Table, fm *format.Formatter, row RowFunc, expand Expander) (*Chart, error) {
	c := &Chart{Name: s.name, File: s.file, Type: s.Type, Title: s.Title, Subtitle: s.Subtitle, Source: s.Source, Height: s.Height}
	if expand != nil {
		for _, f := range []struct {
			text *string
			key  string
		}{{&c.Title, "title"}, {&c.Subtitle, "subtitle"}, {&c.Source, "source"}} {
			var err error
			if *f.text, err = expand(f.key, *f.text); err != nil {
				return nil, err
			}
		}
	}
	d, err := shape(s, c.Title, tables, fm, row)
	if err != nil {
		return nil, err
	}
	if len(d.Categories) == 0 {
		return nil, s.errf(s.ix.Value("table"), "no data to chart: table %q has no rows with a value in %q", s.Table, s.X)
	}
	if c.Height == 0 {
		c.Height = 360
	}
	var obj map[string]any
	m := meta{Currency: fm.Currency, Group: fm.Group, Decimal: fm.Decimal}
	if s.Type == "pie" || s.Type == "donut" {
		obj = pieOption(s, d)
		m.SeriesFormats = []string{d.Series[0].Format}
	} else {
		obj = rectOption(s, d, &m)
	}
	obj["briefing"] = m
	top := "16"
	if len(d.Series) > 1 {
		top = "48" // room for the legend
	}
	obj["grid"] = opts.Grid{Left: "2%", Right: "3%", Bottom: "3%", Top: top, ContainLabel: opts.Bool(true)}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("chart %q: encoding option: %w", s.name, err)
	}
	c.Option = raw
	c.Categories = d.Categories
	for _, sr := range d.Series {
		c.Series = append(c.Series, Series{Name: sr.Name, Format: sr.Format, Values: sr.Values, Right: sr.Right})
	}
	if c.Data, err = dataTable(s, d, fm); err != nil {
		return nil, err
	}
	return c, nil
}

func baseOpts(s *Spec, legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: "chart-" + s.name}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Type: "scroll", Top: "4"}),
	}
}

func pieOption(s *Spec, d *shaped) map[string]any {
	pie := charts.NewPie()
	pie.SetGlobalOptions(append(baseOpts(s, true), charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))...)
	sr := d.Series[0]
	items := make([]opts.PieData, 0, len(d.Categories))
	for i, cat := range d.Categories {
		if v := sr.Values[i]; !math.IsNaN(v) {
			items = append(items, opts.PieData{Name: cat, Value: v})
		}
	}
	radius := any("70%")
	if s.Type == "donut" {
		radius = []string{"42%", "70%"}
	}
	pie.AddSeries(sr.Name, items, charts.WithPieChartOpts(opts.PieChart{Radius: radius, Center: []string{"50%", "56%"}}))
	pie.Validate()
	return pie.JSON()
}

func rectOption(s *Spec, d *shaped, m *meta) map[string]any {
	chartType := "bar"
	if s.Type == "line" || s.Type == "area" {
		chartType = "line"
	}
	bar := charts.NewBar()
	g := append(baseOpts(s, len(d.Series) > 1),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}))
	bar.SetGlobalOptions(g...)
	left, right := "", ""
	var lines []charts.Overlaper
	// Overlap puts the line series after the bars: the formats, which the
	// chart script matches to series by index, follow the same order.
	var barFormats, lineFormats []string
	for _, sr := range d.Series {
		typ := firstNonEmpty(sr.Type, chartType)
		axis := 0
		if sr.Right {
			axis = 1
			right = firstNonEmpty(right, sr.Format)
		} else {
			left = firstNonEmpty(left, sr.Format)
		}
		stack := ""
		if s.Stack {
			stack = fmt.Sprintf("stack-%d", axis)
		}
		if typ == "bar" {
			data := make([]opts.BarData, len(sr.Values))
			for i, v := range sr.Values {
				data[i] = opts.BarData{Value: jsonValue(v)}
			}
			bar.AddSeries(sr.Name, data, charts.WithBarChartOpts(opts.BarChart{Stack: stack, YAxisIndex: axis}))
			barFormats = append(barFormats, sr.Format)
			continue
		}
		line := charts.NewLine()
		data := make([]opts.LineData, len(sr.Values))
		for i, v := range sr.Values {
			data[i] = opts.LineData{Value: jsonValue(v)}
		}
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Stack: stack, YAxisIndex: axis, ShowSymbol: opts.Bool(len(sr.Values) <= 24)})}
		if s.Type == "area" {
			so = append(so, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.35)}))
		}
		line.AddSeries(sr.Name, data, so...)
		lines = append(lines, line)
		lineFormats = append(lineFormats, sr.Format)
	}
	bar.SetXAxis(d.Categories)
	bar.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "category"}))
	bar.Overlap(lines...)
	m.SeriesFormats = append(barFormats, lineFormats...)
	m.AxisFormats = []string{left}
	if right != "" {
		bar.ExtendYAxis(opts.YAxis{Type: "value", Position: "right", SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
		m.AxisFormats = append(m.AxisFormats, right)
	}
	if s.Horizontal {
		// Categories run top to bottom, in the order of the data.
		bar.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Type: "value"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
		bar.XYReversal()
		m.Horizontal = true
	}
	bar.Validate()
	return bar.JSON()
}

// jsonValue encodes a missing value the way ECharts expects one.
func jsonValue(v float64) any {
	if math.IsNaN(v) {
		return "-"
	}
	return v
}

// dataTable writes the chart's data in full: money to the unit (and the
// cent, when a series has cents), whatever the chart shows compactly.
func dataTable(s *Spec, d *shaped, fm *format.Formatter) (DataTable, error) {
	t := DataTable{Header: []string{table.Heading(d.XName)}}
	specs := make([]format.Spec, len(d.Series))
	for j, sr := range d.Series {
		t.Header = append(t.Header, sr.Name)
		sp, _ := format.ParseSpec(sr.Format)
		specs[j] = format.ForColumn(sp.Full(), sr.Values)
	}
	for i, cat := range d.Categories {
		row := []string{cat}
		for j, sr := range d.Series {
			v := sr.Values[i]
			if math.IsNaN(v) {
				row = append(row, "")
				continue
			}
			text, err := fm.Number(specs[j], v)
			if err != nil {
				return t, s.errf(diag.Pos{File: s.file}, "series %q: %v", sr.Name, err)
			}
			row = append(row, text)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
