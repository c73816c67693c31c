package table

import (
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
	// Columns declares kinds, by column name or by a pattern of names
	// ("20*", see path.Match). A column neither names nor matches takes
	// its kind from the data (see guess).
	Columns map[string]Kind
	// Currency is the site's; a workbook column formatted in another is
	// loaded as money with a warning.
	Currency string
	// Unpivot, when set, reads a wide grid as long rows (see unpivot.go).
	Unpivot *Unpivot
	// SkipRows leaves out every row with a cell (outside the unpivoted
	// columns) matching one of these patterns, such as "Total*";
	// SkipColumns leaves out the columns whose header matches one. Both
	// compare without case.
	SkipRows, SkipColumns []string
	// Where is the definition in site.toml; ColumnPos, when set, locates
	// the declaration of one column, KeyPos any key under the definition
	// (unpivot.columns).
	Where     diag.Pos
	ColumnPos func(name string) diag.Pos
	KeyPos    func(path ...string) diag.Pos
}

// keyPos locates a key of the table's definition, or the definition.
func (s Spec) keyPos(path ...string) diag.Pos {
	if s.KeyPos != nil {
		if p := s.KeyPos(path...); p.Line > 0 {
			return p
		}
	}
	return s.Where
}

// columnPos locates the declaration of a column (or pattern).
func (s Spec) columnPos(name string) diag.Pos {
	if s.ColumnPos != nil {
		if p := s.ColumnPos(name); p.Line > 0 {
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
