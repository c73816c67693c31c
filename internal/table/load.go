package table

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
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
	Columns   map[string]Kind
	// Where is the definition in site.toml; ColumnPos, when set, locates
	// the declaration of one column.
	Where     diag.Pos
	ColumnPos func(name string) diag.Pos
}

// Limits bound what a loader accepts, so that a huge or hostile file is
// refused in bounded time and memory.
type Limits struct {
	MaxFileBytes int64 // compressed size on disk
	MaxUnzipped  int64 // total uncompressed size of an xlsx package
	MaxRows      int
	MaxCols      int
	MaxCellBytes int
}

// DefaultLimits suit briefings of up to a million rows.
var DefaultLimits = Limits{
	MaxFileBytes: 100 << 20,
	MaxUnzipped:  200 << 20,
	MaxRows:      1_000_000,
	MaxCols:      256,
	MaxCellBytes: 32 << 10,
}

// Load reads the table that spec describes from fsys.
func Load(fsys fs.FS, spec Spec, lim Limits) (*Table, error) {
	if spec.HeaderRow == 0 {
		spec.HeaderRow = 1
	}
	at := diag.Pos{File: spec.File}
	info, err := fs.Stat(fsys, spec.File)
	if err != nil {
		return nil, diag.Data.Errorf(spec.Where, "table %q: cannot read %s: %v", spec.Name, spec.File, unwrapPath(err))
	}
	if info.Size() > lim.MaxFileBytes {
		return nil, diag.Data.Errorf(at, "file is %d bytes, over the limit of %d", info.Size(), lim.MaxFileBytes)
	}
	src, err := fs.ReadFile(fsys, spec.File)
	if err != nil {
		return nil, diag.Data.Errorf(at, "%v", unwrapPath(err))
	}
	switch strings.ToLower(path.Ext(spec.File)) {
	case ".xlsx", ".xlsm":
		return loadXLSX(src, spec, lim)
	case ".csv":
		return loadCSV(src, spec, lim)
	case ".toml":
		return loadTOML(src, spec, lim)
	}
	return nil, diag.Data.Errorf(spec.Where, "table %q: %s: unsupported file type (want .xlsx, .csv or .toml)", spec.Name, spec.File)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
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

func (b *builder) checkCell(s string, line, col int32) error {
	if len(s) > b.lim.MaxCellBytes {
		return diag.Data.Errorf(b.cellPos(line, col), "cell holds %d bytes, over the limit of %d", len(s), b.lim.MaxCellBytes)
	}
	return nil
}
