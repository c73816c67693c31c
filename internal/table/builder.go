package table

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
)

// builder turns a header and raw rows into a typed table, whatever the
// format. Declared columns are parsed as each row arrives, so a bad cell
// stops the load at once; undeclared ones keep their text until finish,
// which decides their kinds from everything seen (see guess).
type builder struct {
	spec Spec
	lim  Limits
	t    *Table
	// serial says numbers may be spreadsheet date serials (xlsx), in the
	// 1904 system when date1904.
	serial, date1904 bool

	cols    []colSource // where each table column's cells come from
	guesses []*guess    // per column: nil when declared
	header  []string
	hpos    func(i int) (int32, int32)
	grid    []int    // unpivot: the fields read as long rows
	keep    []bool   // by field: read into the table (not skipped)
	skip    []string // skip_rows patterns, lower-cased
	cells   []rawCell

	minField, maxField int   // the fields read, for Table.Range
	lastLine           int32 // the last line or row read
}

// colSource says where a column's cells come from: a field of the row,
// or, unpivoting, the grid cell's header or value.
type colSource struct {
	field int
	role  byte // 0: the field; 'n': the grid header; 'v': the grid value
}

// rawCell is one cell on its way into the table.
type rawCell struct {
	text      string
	line, col int32
	info      cellInfo
}

// newBuilder reads the header. pos locates header field i (line and column,
// or row and column in a sheet).
func newBuilder(spec Spec, lim Limits, sheet string, header []string, pos func(i int) (int32, int32)) (*builder, error) {
	b := &builder{spec: spec, lim: lim, t: &Table{Name: spec.Name, File: spec.File, Sheet: sheet}, header: header, hpos: pos,
		minField: -1, maxField: -1}
	at := func(i int) diag.Pos { l, c := pos(i); return b.cellPos(l, c) }
	for _, p := range spec.SkipRows {
		b.skip = append(b.skip, strings.ToLower(p))
	}
	b.keep = make([]bool, len(header))
	for i, h := range header {
		b.keep[i] = NormalizeName(h) != "" && !b.skipColumn(h)
	}
	var err error
	if spec.Unpivot != nil {
		if b.grid, err = b.gridFields(); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for i, h := range header {
		if !b.keep[i] || slices.Contains(b.grid, i) {
			continue
		}
		name := NormalizeName(h)
		if seen[name] {
			return nil, diag.Data.Errorf(at(i), "duplicate column %q in the header", name)
		}
		seen[name] = true
		b.t.Columns = append(b.t.Columns, Column{Name: name})
		b.cols = append(b.cols, colSource{field: i})
		b.span(i)
	}
	if spec.Unpivot != nil {
		if err := b.addUnpivotColumns(seen); err != nil {
			return nil, err
		}
	}
	if len(b.t.Columns) == 0 {
		return nil, diag.Data.Errorf(at(0), "no header row found (expected column names in row %d)", spec.HeaderRow)
	}
	if err := b.declare(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *builder) span(field int) {
	if b.minField < 0 || field < b.minField {
		b.minField = field
	}
	b.maxField = max(b.maxField, field)
}

// skipColumn reports whether skip_columns leaves out the column headed h.
func (b *builder) skipColumn(h string) bool {
	return matchAny(b.spec.SkipColumns, h) || matchAny(b.spec.SkipColumns, NormalizeName(h))
}

// matchAny reports whether text matches one of the patterns, without case.
func matchAny(patterns []string, text string) bool {
	text = strings.ToLower(strings.TrimSpace(text))
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), text); ok {
			return true
		}
	}
	return false
}

// IsPattern reports whether a columns key is a pattern of names (20*)
// rather than one name.
func IsPattern(key string) bool { return strings.ContainsAny(key, "*?[") }

// declare gives each column its declared kind: its name in spec.Columns,
// else the one pattern there that matches it; other columns get a guess.
// A declared name that is no column, or a pattern that matches none, is
// an error at its declaration.
func (b *builder) declare() error {
	keys := slices.Sorted(maps.Keys(b.spec.Columns))
	used := map[string]bool{}
	b.guesses = make([]*guess, len(b.t.Columns))
	for c := range b.t.Columns {
		col := &b.t.Columns[c]
		if k, ok := b.spec.Columns[col.Name]; ok {
			col.Kind, col.From, used[col.Name] = k, FromDeclared, true
			continue
		}
		match := ""
		for _, key := range keys {
			if ok, _ := path.Match(key, col.Name); !ok || !IsPattern(key) {
				continue
			}
			used[key] = true
			if match != "" && b.spec.Columns[match] != b.spec.Columns[key] {
				return diag.Data.Errorf(b.spec.columnPos(key), "table %q: column %q matches both %q (%s) and %q (%s); declare it by name",
					b.spec.Name, col.Name, match, b.spec.Columns[match], key, b.spec.Columns[key])
			}
			match = key
		}
		if match != "" {
			col.Kind, col.From = b.spec.Columns[match], FromDeclared+" ("+match+")"
			continue
		}
		b.guesses[c] = newGuess()
	}
	for _, key := range keys {
		if used[key] {
			continue
		}
		what := fmt.Sprintf("column %q is not in the header of %s", key, b.spec.File)
		if IsPattern(key) {
			what = fmt.Sprintf("pattern %q matches no column of %s", key, b.spec.File)
		}
		return diag.Data.Errorf(b.spec.columnPos(key), "table %q: %s%s", b.spec.Name, what, Suggest(key, b.t.ColumnNames(), "columns"))
	}
	return nil
}

// reserve makes room for n more rows, when the loader knows how many
// may come.
func (b *builder) reserve(n int) {
	n = min(n, b.lim.MaxRows)
	if b.grid != nil {
		return // a row becomes several; let them grow
	}
	b.t.Rows = slices.Grow(b.t.Rows, n)
	b.t.pos = slices.Grow(b.t.pos, 2*n*len(b.t.Columns))
}

// add takes one row. fields are raw texts; pos gives the line/row and
// column of field i; info what else the loader knows about it.
func (b *builder) add(fields []string, pos func(i int) (int32, int32), info func(i int) cellInfo) error {
	if b.blankRow(fields) {
		return nil
	}
	field := func(i int) rawCell {
		l, c := pos(i)
		if i >= len(fields) {
			return rawCell{line: l, col: c}
		}
		return rawCell{text: fields[i], line: l, col: c, info: info(i)}
	}
	if b.grid == nil {
		b.cells = b.cells[:0]
		for _, src := range b.cols {
			b.cells = append(b.cells, field(src.field))
		}
		return b.emit(b.cells)
	}
	for _, g := range b.grid {
		v := field(g)
		if strings.TrimSpace(v.text) == "" {
			continue // an empty grid cell makes no row
		}
		b.cells = b.cells[:0]
		for _, src := range b.cols {
			switch src.role {
			case 'n':
				l, c := b.hpos(g)
				b.cells = append(b.cells, rawCell{text: b.header[g], line: l, col: c})
			case 'v':
				b.cells = append(b.cells, v)
			default:
				b.cells = append(b.cells, field(src.field))
			}
		}
		if err := b.emit(b.cells); err != nil {
			return err
		}
	}
	return nil
}

// blankRow reports a row with nothing in it, or one skip_rows leaves out.
func (b *builder) blankRow(fields []string) bool {
	empty := true
	for i, f := range fields {
		if strings.TrimSpace(f) == "" {
			continue
		}
		empty = false
		if len(b.skip) > 0 && i < len(b.keep) && b.keep[i] && !slices.Contains(b.grid, i) && matchAny(b.skip, f) {
			return true
		}
	}
	return empty
}

// emit appends one row of the table.
func (b *builder) emit(cells []rawCell) error {
	if len(b.t.Rows) >= b.lim.MaxRows {
		return diag.Data.Errorf(b.cellPos(cells[0].line, 1), "more than %d data rows; split the file or raise the limit", b.lim.MaxRows)
	}
	vals := make([]Value, len(cells))
	ps := make([]int32, 0, 2*len(cells))
	for c, cell := range cells {
		ps = append(ps, cell.line, cell.col)
		b.lastLine = max(b.lastLine, cell.line)
		if g := b.guesses[c]; g != nil {
			if strings.TrimSpace(cell.text) == "" {
				vals[c] = Value{Null: true}
				continue
			}
			g.observe(cell.text, cell.info, len(b.t.Rows))
			vals[c] = Value{S: cell.text}
			continue
		}
		col := b.t.Columns[c]
		v, err := parse(col.Kind, cellInput{text: cell.text, serial: b.serial, date1904: b.date1904}, col.Name)
		if err != nil {
			return &diag.Error{Kind: diag.Data, Pos: b.cellPos(cell.line, cell.col), Msg: err.Error(), Context: b.neighbours(cells, c)}
		}
		vals[c] = v
	}
	b.t.addRow(vals, ps)
	return nil
}

// finish decides the kinds of the undeclared columns and converts their
// cells; a money column formatted in another currency than the site's is
// a warning.
func (b *builder) finish() (*Table, error) {
	for c, g := range b.guesses {
		if g == nil {
			continue
		}
		col := &b.t.Columns[c]
		col.Kind, col.From = g.kind()
		if col.Kind == Money && col.From == FromFormat && !sameCurrency(g.currency, b.spec.Currency) {
			b.t.Warnings = append(b.t.Warnings, diag.Data.Errorf(b.t.Pos(g.curRow, c),
				"column %q is formatted as %s money in the workbook, but the briefing shows money in %s (currency in site.toml); declare the column \"number\" or change the currency",
				col.Name, g.currency, b.spec.Currency))
		}
		if col.Kind == Text {
			continue
		}
		for r, row := range b.t.Rows {
			if row[c].Null {
				continue
			}
			v, err := parse(col.Kind, cellInput{text: row[c].S, serial: b.serial, date1904: b.date1904}, col.Name)
			if err != nil {
				return nil, diag.Data.Errorf(b.t.Pos(r, c), "%v", err)
			}
			row[c] = v
		}
	}
	return b.t, nil
}

// neighbours shows the row around a bad cell, by column, for the error's
// excerpt: two cells either side, the bad one marked.
func (b *builder) neighbours(cells []rawCell, bad int) string {
	var lines []string
	for c := max(0, bad-2); c <= min(len(cells)-1, bad+2); c++ {
		where := b.cellPos(cells[c].line, cells[c].col)
		ref := where.Cell
		if ref == "" {
			ref = fmt.Sprintf("%d:%d", where.Line, where.Col)
		}
		mark := ""
		if c == bad {
			mark = "   <- " + b.t.Columns[c].Kind.String() + " expected"
		}
		lines = append(lines, fmt.Sprintf("%-8s %-24s %q%s", ref, b.t.Columns[c].Name, cells[c].text, mark))
	}
	return strings.Join(lines, "\n")
}

func (b *builder) cellPos(line, col int32) diag.Pos {
	if b.t.Sheet != "" {
		return diag.Pos{File: b.t.File, Sheet: b.t.Sheet, Cell: diag.CellRef(int(col), int(line))}
	}
	return diag.Pos{File: b.t.File, Line: int(line), Col: int(col)}
}

// namedFields is the number of header fields up to the last one with a
// name: a row's fields beyond it have no column.
func (b *builder) namedFields() int {
	for i := len(b.header) - 1; i >= 0; i-- {
		if NormalizeName(b.header[i]) != "" {
			return i + 1
		}
	}
	return 0
}
