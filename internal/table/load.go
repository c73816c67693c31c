package table

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Spec says where a table comes from and how to read it.
type Spec struct {
	Name      string
	File      string // slash-separated, relative to the site root
	Sheet     string // worksheet, for xlsx (default: the first sheet)
	Key       string // array-of-tables key, for TOML (default: the table name)
	HeaderRow int    // 1-based row (xlsx) or line (CSV) of the header; default 1
	// Encoding is the text encoding of a CSV or TOML file: "" or "utf-8"
	// (the default), "latin1", "windows-1252" or "utf-16" (see Encodings).
	Encoding string
	Columns  map[string]Kind
	// Where is the definition in site.toml; ColumnPos, when set, locates
	// the declaration of one column, and KeyPos the value of one key of
	// the definition (file, sheet, key, encoding).
	Where     diag.Pos
	ColumnPos func(name string) diag.Pos
	KeyPos    func(key string) diag.Pos
}

// At is where the definition sets key: an error about the sheet is at
// `sheet = …`, not at the table's header. It is Where when the key is not
// set or cannot be located.
func (s Spec) At(key string) diag.Pos {
	if s.KeyPos != nil {
		if p := s.KeyPos(key); p.Line > 0 {
			return p
		}
	}
	return s.Where
}

// Limits bound what a loader accepts, so that a huge or hostile file is
// refused in bounded time and memory.
type Limits struct {
	MaxFileBytes int64 // compressed size on disk
	MaxUnzipped  int64 // total uncompressed size of an xlsx package
	MaxRows      int
	MaxCols      int
	MaxCellBytes int
	// MaxTextRun bounds one piece of a spreadsheet's XML (a text run, a
	// tag, a comment) before it is decoded, so that a huge run is refused
	// while it streams in, not after it has been buffered.
	MaxTextRun int
}

// DefaultLimits suit briefings of up to a million rows.
var DefaultLimits = Limits{
	MaxFileBytes: 100 << 20,
	MaxUnzipped:  200 << 20,
	MaxRows:      1_000_000,
	MaxCols:      256,
	MaxCellBytes: 32 << 10,
	MaxTextRun:   1 << 20,
}

// builder turns header and raw rows into a typed table, whatever the format.
type builder struct {
	spec  Spec
	lim   Limits
	t     *Table
	field []int // source field index of each table column
}

// newBuilder reads the header. pos locates header field i.
func newBuilder(spec Spec, lim Limits, sheet string, header []string, pos func(i int) diag.Pos) (*builder, error) {
	b := &builder{spec: spec, lim: lim, t: &Table{Name: spec.Name, File: spec.File, Sheet: sheet}}
	seen := map[string]bool{}
	for i, h := range header {
		name := NormalizeName(h)
		if name == "" {
			continue
		}
		if seen[name] {
			return nil, diag.Data.Errorf(pos(i), "duplicate column %q in the header", name)
		}
		seen[name] = true
		kind, ok := spec.Columns[name]
		if !ok {
			kind = Text
		}
		b.t.Columns = append(b.t.Columns, Column{Name: name, Kind: kind})
		b.field = append(b.field, i)
	}
	if len(b.t.Columns) == 0 {
		return nil, diag.Data.Errorf(pos(0), "no header row found (expected column names in row %d)", spec.HeaderRow)
	}
	for _, name := range slices.Sorted(maps.Keys(spec.Columns)) {
		if !seen[name] {
			where := spec.Where
			if spec.ColumnPos != nil {
				where = spec.ColumnPos(name)
			}
			return nil, diag.Data.Errorf(where, "table %q: column %q is not in the header of %s (found: %s)",
				spec.Name, name, spec.File, strings.Join(b.t.ColumnNames(), ", "))
		}
	}
	return b, nil
}

// reserve makes room for n more rows, when the loader knows how many
// may come.
func (b *builder) reserve(n int) {
	n = min(n, b.lim.MaxRows)
	b.t.Rows = slices.Grow(b.t.Rows, n)
	b.t.pos = slices.Grow(b.t.pos, 2*n*len(b.t.Columns))
}

// add appends one row. fields are raw texts; pos gives the line/row and
// column of field i; serial tells whether field i is a spreadsheet number.
func (b *builder) add(fields []string, pos func(i int) (int32, int32), serial func(i int) bool, date1904 bool) error {
	empty := true
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil
	}
	if len(b.t.Rows) >= b.lim.MaxRows {
		l, _ := pos(0)
		return diag.Data.Errorf(b.cellPos(l, 1), "more than %d data rows; split the file or raise the limit", b.lim.MaxRows)
	}
	vals := make([]Value, len(b.t.Columns))
	ps := make([]int32, 0, 2*len(vals))
	for c, col := range b.t.Columns {
		i := b.field[c]
		raw := ""
		if i < len(fields) {
			raw = fields[i]
		}
		l, cc := pos(i)
		ps = append(ps, l, cc)
		v, err := parse(col.Kind, cellInput{text: raw, serial: serial(i), date1904: date1904}, col.Name)
		if err != nil {
			return &diag.Error{Kind: diag.Data, Pos: b.cellPos(l, cc), Msg: err.Error(), Context: b.neighbours(fields, c, pos)}
		}
		vals[c] = v
	}
	b.t.addRow(vals, ps)
	return nil
}

// neighbours shows the row around a bad cell, by column, for the error's
// excerpt: two cells either side, the bad one marked.
func (b *builder) neighbours(fields []string, bad int, pos func(i int) (int32, int32)) string {
	var lines []string
	for c := max(0, bad-2); c <= min(len(b.t.Columns)-1, bad+2); c++ {
		i := b.field[c]
		raw := ""
		if i < len(fields) {
			raw = fields[i]
		}
		l, cc := pos(i)
		where := b.cellPos(l, cc)
		ref := where.Cell
		if ref == "" {
			ref = fmt.Sprintf("%d:%d", where.Line, where.Col)
		}
		mark := ""
		if c == bad {
			mark = "   <- " + b.t.Columns[c].Kind.String() + " expected"
		}
		lines = append(lines, fmt.Sprintf("%-8s %-24s %q%s", ref, b.t.Columns[c].Name, raw, mark))
	}
	return strings.Join(lines, "\n")
}

func (b *builder) cellPos(line, col int32) diag.Pos {
	if b.t.Sheet != "" {
		return diag.Pos{File: b.t.File, Sheet: b.t.Sheet, Cell: diag.CellRef(int(col), int(line))}
	}
	return diag.Pos{File: b.t.File, Line: int(line), Col: int(col)}
}

// checkCell refuses a cell longer than lim.MaxCellBytes. It is the one
// check and the one wording of that limit, whatever the format; n is the
// cell's length in bytes, or any length over the limit when the loader
// stopped reading the cell there.
func checkCell(at diag.Pos, n int, lim Limits) error {
	if n > lim.MaxCellBytes {
		return diag.Data.Errorf(at, "cell holds more than %d bytes, the limit for one cell", lim.MaxCellBytes)
	}
	return nil
}
