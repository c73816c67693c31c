package table

import (
	"strconv"

	"github.com/briefing-dev/briefing/internal/diag"
)

// New returns an empty table whose cells all sit at one source position,
// for tables computed rather than read (query results).
func New(name, file string, line int, cols []Column) *Table {
	return &Table{Name: name, File: file, Columns: cols, line: int32(line)}
}

// Append adds a row computed elsewhere. Its cells share the table's
// position.
func (t *Table) Append(vals []Value) {
	ps := make([]int32, 2*len(vals))
	for i := range vals {
		ps[2*i] = t.line
	}
	t.addRow(vals, ps)
}

// ParseText converts text to a value of kind k, as a loader would; the
// error names the column.
func ParseText(k Kind, text, column string) (Value, error) {
	return parse(k, cellInput{text: text}, column)
}

// Where returns the position of the table's source.
func (t *Table) Where() diag.Pos {
	if t.Sheet != "" {
		return diag.Pos{File: t.File, Sheet: t.Sheet}
	}
	return diag.Pos{File: t.File, Line: int(t.line)}
}

// SQLText returns a cell as text in the form SQL and comparisons use:
// canonical dates (2022-03-01), months (2022-03) and quarters (2024-Q2),
// and numbers without grouping.
func SQLText(k Kind, v Value) string {
	if k.IsNumeric() && !v.Null {
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	}
	return Format(k, v)
}
