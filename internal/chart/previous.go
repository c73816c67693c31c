package chart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/briefing-dev/briefing/internal/format"
)

// Previous is the previous edition's data of a placed chart, for its
// markers (previous = true in the definition).
type Previous struct {
	// Label names the previous edition ("Feb 2022"); "" in a first edition.
	Label string
	// Values holds the previous edition's value by series name, then by
	// category; nil when that edition did not place the chart on this
	// page.
	Values map[string]map[string]float64
}

// markerColor draws the markers: a dark grey that reads on both themes'
// bars and lines.
const markerColor = "#5b5b5b"

// MarkPrevious adds to a chart whose definition asks for it (previous =
// true) one marker series per series: a short dash at each category's
// value in the previous edition, named "SERIES, LABEL" (or "LABEL
// edition" for a chart of one series), shown in the legend, the tooltip
// and the data table. A category or series the previous edition did not
// have gets no dash. In a first edition, or when the previous edition did
// not place the chart, nothing is added and the chart is as without
// markers. prev is nil for a briefing that is not a series: asking for
// markers there is an error.
func MarkPrevious(c *Chart, s *Spec, prev *Previous, fm *format.Formatter) error {
	switch {
	case !s.Previous:
		return nil
	case prev == nil:
		return s.errf(s.ix.Key("previous"), "previous marks the previous edition's values; make the briefing a series with [editions] in site.toml")
	case prev.Label == "" || prev.Values == nil:
		return nil
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(c.Option))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return fmt.Errorf("chart %q: reading its option: %w", c.Name, err)
	}
	series, _ := obj["series"].([]any)
	meta, _ := obj["briefing"].(map[string]any)
	formats, _ := meta["seriesFormats"].([]any)
	var marks []Series
	for _, sr := range c.Series {
		m := marker(sr, c.Categories, prev, len(c.Series) == 1)
		series = append(series, markerOption(m, s.Horizontal))
		formats = append(formats, m.Format)
		marks = append(marks, m)
	}
	obj["series"] = series
	if meta != nil {
		meta["seriesFormats"] = formats
	}
	showLegend(obj)
	raw, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("chart %q: encoding option: %w", c.Name, err)
	}
	c.Option = raw
	c.Series = append(c.Series, marks...)
	return addDataColumns(c, marks, fm)
}

// marker is the previous edition's values of one series.
func marker(sr Series, cats []string, prev *Previous, only bool) Series {
	name := sr.Name + ", " + prev.Label
	if only {
		name = prev.Label + " edition"
	}
	m := Series{Name: name, Format: sr.Format, Right: sr.Right, Previous: true, Values: make([]float64, len(cats))}
	old := prev.Values[sr.Name]
	for i, cat := range cats {
		v, ok := old[cat]
		if !ok {
			v = math.NaN()
		}
		m.Values[i] = v
	}
	return m
}

// markerOption draws a marker series: a line series with no line, whose
// symbols are dashes across the bars (or across the line's points).
func markerOption(m Series, horizontal bool) map[string]any {
	data := make([]any, len(m.Values))
	for i, v := range m.Values {
		data[i] = jsonValue(v)
	}
	size := []int{22, 3}
	if horizontal {
		size = []int{3, 22}
	}
	o := map[string]any{
		"type": "line", "name": m.Name, "data": data,
		"symbol": "rect", "symbolSize": size, "showSymbol": true,
		"lineStyle": map[string]any{"width": 0}, "itemStyle": map[string]any{"color": markerColor},
		"z": 5, "connectNulls": false,
	}
	if m.Right && !horizontal {
		o["yAxisIndex"] = 1
	}
	return o
}

// showLegend turns the legend on, so that the markers are named, and
// keeps room for it above the plot.
func showLegend(obj map[string]any) {
	switch l := obj["legend"].(type) {
	case map[string]any:
		l["show"] = true
	case []any:
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				m["show"] = true
			}
		}
	default:
		obj["legend"] = map[string]any{"show": true, "type": "scroll", "top": "4"}
	}
	if g, ok := obj["grid"].(map[string]any); ok {
		g["top"] = "48"
	}
}

// addDataColumns adds the markers to the chart's data table.
func addDataColumns(c *Chart, marks []Series, fm *format.Formatter) error {
	for _, m := range marks {
		c.Data.Header = append(c.Data.Header, m.Name)
		sp, err := format.ParseSpec(m.Format)
		if err != nil {
			sp = format.Spec{Name: "number", Decimals: -1}
		}
		for i := range c.Data.Rows {
			text := ""
			if i < len(m.Values) && !math.IsNaN(m.Values[i]) {
				var err error
				if text, err = fm.Number(sp, m.Values[i]); err != nil {
					return fmt.Errorf("chart %q: %v", c.Name, err)
				}
			}
			c.Data.Rows[i] = append(c.Data.Rows[i], text)
		}
	}
	return nil
}
