package table

import (
	"maps"
	"math"
	"slices"
	"strconv"
)

// Summary describes a table as `briefing describe` and the preview's data
// page show it: where it comes from, its size, and each column as SQL
// sees it, with its kind and where the kind came from.
type Summary struct {
	Name    string          `json:"name"`
	Origin  Origin          `json:"origin"`
	Rows    int             `json:"rows"`
	Columns []ColumnSummary `json:"columns"`
	// Sample holds the first rows, each cell as SQL sees it, numbers in
	// full without exponents (20000000, 0.2412); null cells are null.
	Sample [][]*string `json:"sample"`
}

// Origin is where a table comes from.
type Origin struct {
	Source string `json:"source"` // "file" or "query"
	File   string `json:"file"`
	Sheet  string `json:"sheet,omitempty"`
	Range  string `json:"range,omitempty"` // A3:T14, lines 1-40, [[quarter]] entries
}

// ColumnSummary describes one column. Min and Max are canonical texts
// (numbers without grouping, 2022-03-31, 2022-03), compared by value for
// numbers and dates and by text for text; both are empty when every cell
// is null.
type ColumnSummary struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	From  string `json:"from"`
	Nulls int    `json:"nulls"`
	Min   string `json:"min"`
	Max   string `json:"max"`
}

// Summarize describes t, with up to samples of its first rows. query says
// the table is a query's result rather than a file's.
func Summarize(t *Table, query bool, samples int) Summary {
	s := Summary{Name: t.Name, Rows: len(t.Rows),
		Origin: Origin{Source: "file", File: t.File, Sheet: t.Sheet, Range: t.Range}}
	if query {
		s.Origin = Origin{Source: "query", File: t.File}
	}
	for c, col := range t.Columns {
		s.Columns = append(s.Columns, summarizeColumn(t, c, col))
	}
	for _, row := range t.Rows[:min(samples, len(t.Rows))] {
		cells := make([]*string, len(row))
		for c, v := range row {
			if !v.Null {
				text := plainText(t.Columns[c].Kind, v)
				cells[c] = &text
			}
		}
		s.Sample = append(s.Sample, cells)
	}
	return s
}

func summarizeColumn(t *Table, c int, col Column) ColumnSummary {
	cs := ColumnSummary{Name: col.Name, Kind: col.Kind.String(), From: col.From}
	if cs.From == "" {
		cs.From = FromValues
	}
	var lo, hi *Value
	less := func(a, b *Value) bool {
		if col.Kind == Text {
			return a.S < b.S
		}
		return a.F < b.F
	}
	for r := range t.Rows {
		v := &t.Rows[r][c]
		if v.Null {
			cs.Nulls++
			continue
		}
		if lo == nil || less(v, lo) {
			lo = v
		}
		if hi == nil || less(hi, v) {
			hi = v
		}
	}
	if lo != nil {
		cs.Min, cs.Max = plainText(col.Kind, *lo), plainText(col.Kind, *hi)
	}
	return cs
}

// SummarizeAll describes every table: those read from files, in the order
// of sources, then the query results, by name.
func SummarizeAll(tables map[string]*Table, sources []string, samples int) []Summary {
	var out []Summary
	isSource := map[string]bool{}
	for _, name := range sources {
		isSource[name] = true
		if t := tables[name]; t != nil {
			out = append(out, Summarize(t, false, samples))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		if !isSource[name] {
			out = append(out, Summarize(tables[name], true, samples))
		}
	}
	return out
}

// plainText is SQLText with numbers written out in full.
func plainText(k Kind, v Value) string {
	if k.IsNumeric() && !v.Null && math.Abs(v.F) < 1e15 {
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	}
	return SQLText(k, v)
}
