package edition

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// Version is the version of the record's layout. A reader refuses a record
// of a later version rather than misreading it.
const Version = 1

// Record is the record of one build: what the build said, as data. It is
// written to the output as briefing.json and, for an edition that is
// recorded, to editions/ID.json in the site. Its JSON has a fixed key
// order (struct fields in order, maps by key), so equal builds give equal
// bytes.
type Record struct {
	Version int                     `json:"version"`
	Title   string                  `json:"title"`
	Edition *Edition                `json:"edition"` // null for a site that is not a series and has no date
	Figures map[string]RecordFigure `json:"figures"`
	Tables  []RecordTable           `json:"tables"`
	Charts  []RecordChart           `json:"charts"`
	Sources map[string]RecordSource `json:"sources"`
}

// RecordFigure is one figure as the build computed and showed it.
type RecordFigure struct {
	Kind    string `json:"kind"`
	Value   Value  `json:"value"` // null when the figure has no value
	Text    string `json:"text"`  // as prose shows it by default (the fallback when missing)
	Format  string `json:"format"`
	SQL     string `json:"sql,omitempty"`
	Expr    string `json:"expr,omitempty"`
	Missing bool   `json:"missing,omitempty"`
}

// RecordTable is one table as a page placed it.
type RecordTable struct {
	Name    string         `json:"name"`
	Page    string         `json:"page"`
	Caption string         `json:"caption,omitempty"`
	Columns []RecordColumn `json:"columns"`
	Rows    []RecordRow    `json:"rows"`
	Totals  []string       `json:"totals,omitempty"`
}

// RecordColumn is a column of a placed table.
type RecordColumn struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Header string `json:"header"`
}

// RecordRow is a row of a placed table: its values and the texts shown.
type RecordRow struct {
	Values    []Value  `json:"values"`
	Text      []string `json:"text"`
	Highlight bool     `json:"highlight,omitempty"`
}

// RecordChart is one chart as a page placed it: its numbers.
type RecordChart struct {
	Name       string         `json:"name"`
	Page       string         `json:"page"`
	Title      string         `json:"title,omitempty"`
	Type       string         `json:"type"`
	Categories []string       `json:"categories"`
	Series     []RecordSeries `json:"series"`
}

// RecordSeries is a chart's series: a value per category, null where none.
type RecordSeries struct {
	Name   string  `json:"name"`
	Format string  `json:"format"`
	Values []Value `json:"values"`
}

// RecordSource is a table read from a file: what it is and the digest of
// what was read (table.Source's Fingerprint).
type RecordSource struct {
	Source      string `json:"source"`
	Fingerprint string `json:"fingerprint"`
}

// Value is a recorded value: a number, a text, or null. Months, quarters
// and dates are kept as their canonical text (2022-03, 2024-Q2,
// 2022-03-31), so that the record reads without a key to their encoding.
type Value struct {
	Num    float64
	Str    string
	IsText bool
	Null   bool
}

// MarshalJSON writes a number, a string or null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Null || !v.IsText && (math.IsNaN(v.Num) || math.IsInf(v.Num, 0)):
		return []byte("null"), nil
	case v.IsText:
		return marshal(v.Str)
	}
	return json.Marshal(v.Num) // 58000000 and 0.241, as encoding/json writes numbers
}

// UnmarshalJSON reads a number, a string or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = Value{}
	switch {
	case bytes.Equal(b, []byte("null")):
		v.Null = true
		return nil
	case len(b) > 0 && b[0] == '"':
		v.IsText = true
		return json.Unmarshal(b, &v.Str)
	}
	return json.Unmarshal(b, &v.Num)
}

// cellValue records a table value of kind k.
func cellValue(k table.Kind, tv table.Value) Value {
	switch {
	case tv.Null:
		return Value{Null: true}
	case k.IsNumeric():
		return Value{Num: tv.F}
	}
	return Value{Str: table.Format(k, tv), IsText: true}
}

// tableValue reads back a recorded value of kind k.
func tableValue(k table.Kind, v Value) (table.Value, bool) {
	switch {
	case v.Null:
		return table.Value{Null: true}, false
	case !v.IsText:
		return table.Value{F: v.Num}, k.IsNumeric()
	case k == table.Text:
		return table.Value{S: v.Str}, true
	}
	tv, err := table.ParseText(k, v.Str, "")
	return tv, err == nil && !tv.Null
}

// Placement is what one page placed: its tables and charts, in order.
type Placement struct {
	Page   string
	Tables []*tableview.View
	Charts []*chart.Chart
}

// RecordInput is what a record is made from.
type RecordInput struct {
	Title      string
	Edition    *Edition
	Figures    *figure.Set
	Format     *format.Formatter
	Placements []Placement
	Sources    map[string]RecordSource
}

// NewRecord makes the record of a build.
func NewRecord(in RecordInput) (*Record, error) {
	r := &Record{Version: Version, Title: in.Title, Edition: in.Edition, Figures: map[string]RecordFigure{},
		Tables: []RecordTable{}, Charts: []RecordChart{}, Sources: in.Sources}
	if r.Sources == nil {
		r.Sources = map[string]RecordSource{}
	}
	for _, name := range in.Figures.Names() {
		f, _ := in.Figures.Get(name)
		rf, err := recordFigure(f, in.Format)
		if err != nil {
			return nil, err
		}
		r.Figures[name] = rf
	}
	for _, p := range in.Placements {
		for _, v := range p.Tables {
			r.Tables = append(r.Tables, recordTable(p.Page, v))
		}
		for _, c := range p.Charts {
			r.Charts = append(r.Charts, recordChart(p.Page, c))
		}
	}
	return r, nil
}

func recordFigure(f *figure.Figure, fm *format.Formatter) (RecordFigure, error) {
	rf := RecordFigure{Kind: f.Kind.String(), Format: f.Format, SQL: f.SQL, Expr: f.Expr, Missing: f.Missing}
	if f.Missing {
		rf.Value, rf.Text = Value{Null: true}, f.Fallback
		return rf, nil
	}
	tv := figureValue(f)
	rf.Value = cellValue(f.Kind, tv)
	sp, err := format.ParseSpec(f.Format)
	if err != nil {
		return rf, err
	}
	rf.Text, err = fm.Show(sp, f.Kind, tv)
	return rf, err
}

// figureValue is a figure's value as a table value of its kind.
func figureValue(f *figure.Figure) table.Value {
	return table.Value{F: f.Value.Num, S: f.Value.Str}
}

func recordTable(page string, v *tableview.View) RecordTable {
	t := RecordTable{Name: v.Name, Page: page, Caption: v.Caption, Columns: []RecordColumn{}, Rows: []RecordRow{}}
	for i, name := range v.Columns {
		t.Columns = append(t.Columns, RecordColumn{Name: name, Kind: v.Kinds[i].String(), Header: v.Header[i].Text})
	}
	for _, row := range v.Rows {
		rr := RecordRow{Values: []Value{}, Text: []string{}, Highlight: row.Highlight}
		for i, c := range row.Cells {
			rr.Text = append(rr.Text, c.Text)
			val := Value{Null: true}
			if i < len(row.Values) && i < len(v.Kinds) {
				val = cellValue(v.Kinds[i], row.Values[i])
			}
			rr.Values = append(rr.Values, val)
		}
		t.Rows = append(t.Rows, rr)
	}
	for _, c := range v.Totals {
		t.Totals = append(t.Totals, c.Text)
	}
	return t
}

func recordChart(page string, c *chart.Chart) RecordChart {
	rc := RecordChart{Name: c.Name, Page: page, Title: c.Title, Type: c.Type, Categories: c.Categories, Series: []RecordSeries{}}
	if rc.Categories == nil {
		rc.Categories = []string{}
	}
	for _, s := range c.Series {
		if s.Previous {
			continue // a marker of the last edition is not this edition's data
		}
		rs := RecordSeries{Name: s.Name, Format: s.Format, Values: []Value{}}
		for _, v := range s.Values {
			rs.Values = append(rs.Values, Value{Num: v, Null: math.IsNaN(v)})
		}
		rc.Series = append(rc.Series, rs)
	}
	return rc
}

// JSON encodes the record: indented, ending in a newline, with no HTML
// escaping (the record is data, not markup).
func (r *Record) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
