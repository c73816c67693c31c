// Package table loads the briefing's data files into named tables.
//
// Every loader (xlsx, CSV, TOML) produces the same *Table: named, typed
// columns and rows of values, with the source position of every cell kept so
// that a bad value is reported as data/customers.xlsx: Spend!C7 or
// data/q.csv:4:12. A loader either returns a whole table or an error; it
// never returns part of a table as if it were whole.
//
// Where a table comes from is a Source (source.go): it says what it is,
// fingerprints what it would read (content, never modification times) so
// that a cache can keep the table, and loads within Limits. Each kind of
// source is registered once, in sourceKinds; a database or Parquet source
// is one more implementation there. Text sources are UTF-8 unless their
// definition names another encoding; a byte that is not valid in it is an
// error at its line and column. Every limit is enforced while the input
// streams in, and its error names the limit.
//
// A column's kind is declared (Spec.Columns, by name or pattern) or taken
// from the data: in a workbook from the cells' number formats (styles.go),
// otherwise from the values (infer.go); Column.From says which. A wide grid
// can be read as long rows (Unpivot), and total rows and columns left out
// (Spec.SkipRows, Spec.SkipColumns). Summarize describes a table as
// `briefing describe` shows it.
package table

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Kind is the type of a column.
type Kind int

// Column kinds. Number, Money and Percent hold a float; Date holds days
// since 1970-01-01, Month holds year*12+month-1 and Quarter year*4+quarter-1.
const (
	Text Kind = iota
	Number
	Money
	Percent
	Date
	Month
	Quarter
)

var kindNames = []string{"text", "number", "money", "percent", "date", "month", "quarter"}

func (k Kind) String() string { return kindNames[k] }

// IsNumeric reports whether values of k are quantities that can be summed.
func (k Kind) IsNumeric() bool { return k == Number || k == Money || k == Percent }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown column type %q (want one of %s)", s, strings.Join(kindNames, ", "))
}

// Column is a named, typed column.
type Column struct {
	Name string
	Kind Kind
	// From says where the kind came from: FromDeclared, FromFormat,
	// FromValues, or, for a query's result, what the query said.
	From string
}

// Value is one cell. For Text columns S holds the text; for the others F
// holds the number (see Kind). Null marks an empty cell.
type Value struct {
	F    float64
	S    string
	Null bool
}

// Table is a loaded table.
type Table struct {
	Name  string
	File  string // site-relative path of the source file
	Sheet string // worksheet, for spreadsheets
	// Range is the part of the file read: A3:T14 in a sheet, lines 1-40
	// of a CSV file, the [[key]] entries of a TOML file.
	Range    string
	Columns  []Column
	Warnings []*diag.Error // problems the table was read despite
	Rows     [][]Value
	pos      []int32 // line and column of every cell, row-major; row and column number for spreadsheets
	line     int32   // source line of a computed table

	idxMu sync.Mutex
	idx   map[int]map[string][]int // column → canonical text → rows, built on demand
}

// RowsWhere returns, in order, the rows whose column col holds the value
// whose canonical text (Format) is v. The index behind it is built once per
// column, so a page per row finds its rows without scanning the table.
func (t *Table) RowsWhere(col int, v string) []int {
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	if t.idx == nil {
		t.idx = map[int]map[string][]int{}
	}
	m, ok := t.idx[col]
	if !ok {
		m = map[string][]int{}
		k := t.Columns[col].Kind
		for r := range t.Rows {
			key := Format(k, t.Rows[r][col])
			m[key] = append(m[key], r)
		}
		t.idx[col] = m
	}
	return m[v]
}

// Col returns the index of the column called name, or -1.
func (t *Table) Col(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ColumnNames lists the column names in order.
func (t *Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// Pos returns the source position of a cell.
func (t *Table) Pos(row, col int) diag.Pos {
	i := 2 * (row*len(t.Columns) + col)
	if i+1 >= len(t.pos) {
		return diag.Pos{File: t.File, Sheet: t.Sheet}
	}
	line, c := int(t.pos[i]), int(t.pos[i+1])
	if t.Sheet != "" {
		return diag.Pos{File: t.File, Sheet: t.Sheet, Cell: diag.CellRef(c, line)}
	}
	return diag.Pos{File: t.File, Line: line, Col: c}
}

func (t *Table) addRow(vals []Value, pos []int32) {
	t.Rows = append(t.Rows, vals)
	t.pos = append(t.pos, pos...)
}

// Format returns the canonical text of v in a column of kind k: the text
// itself, a plain number, or 2022-03-01, 2022-03, 2024-Q2 for dates.
func Format(k Kind, v Value) string {
	if v.Null {
		return ""
	}
	switch k {
	case Text:
		return v.S
	case Date:
		return epoch.AddDate(0, 0, int(v.F)).Format("2006-01-02")
	case Month:
		m := int(v.F)
		return fmt.Sprintf("%04d-%02d", m/12, m%12+1)
	case Quarter:
		q := int(v.F)
		return fmt.Sprintf("%04d-Q%d", q/4, q%4+1)
	}
	if v.F == math.Trunc(v.F) && math.Abs(v.F) < 1e15 {
		return fmt.Sprintf("%.0f", v.F)
	}
	return fmt.Sprint(v.F)
}

// NormalizeName turns a header such as "Monthly spend (USD)" into the
// column name monthly_spend_usd.
func NormalizeName(h string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && isLetter(r) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		} else {
			under = true
		}
	}
	return b.String()
}
