package table

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/diag"
)

// maxSheetCols is the most columns a worksheet can have (A..XFD).
const maxSheetCols = 16384

// sheetReader reads a worksheet's XML in one streaming pass. It keeps the
// raw text of the rows, because the merged ranges that say how to fill
// them come after the rows in the XML; the rows become a table in build.
//
// Everything it holds is bounded while it streams: one piece of XML by
// Limits.MaxTextRun (tokenGuard), one cell by Limits.MaxCellBytes, a row
// by the 16,384 cells a sheet can have, the rows by Limits.MaxRows, the
// nesting by maxXMLDepth. It checks that the XML is well formed, so a
// truncated sheet is not taken for a short one.
type sheetReader struct {
	file, sheet string
	lim         Limits
	headerRow   int
	sst         *sharedStrings

	d    *xml.Decoder
	open []xml.Name // elements open at this point, to catch mismatched tags

	row      int // number of the current (or last) row
	inRow    bool
	rowCells int    // <c> elements in the current row
	rowText  []byte // the current row's inline texts, concatenated
	spans    []cellSpan

	inCell   bool
	col      int    // column of the current cell
	cellType string // its t attribute
	style    int32  // its s attribute
	text     []byte // its <v> text, or its inline string
	inV      bool
	inIS     bool // inside <is>: an inline string
	sawIS    bool
	inT      bool
	rPh      int // depth inside phonetic runs, which are not part of the text

	out sheetData
}

// cellSpan is one non-empty cell of the current row: its text is either
// a shared string or rowText[start:end].
type cellSpan struct {
	col        int
	style      int32 // the cell's style, or -1 for a text cell
	start, end int
	shared     string
	isShared   bool
}

// sheetData is what one pass over a sheet found.
type sheetData struct {
	rows   []rawRow // rows with at least one non-empty cell, in order
	last   int      // the number of the last row element, empty or not
	merged mergedSet
	// The first cell at or below the header row that holds an error
	// value (#DIV/0!, #N/A, ...); errRow is 0 when there is none.
	errRow, errCol int
	errVal         string
}

type rawRow struct {
	num    int
	cells  []string // by column, up to the last non-empty one
	styles []int32  // the style of each number cell; -1 for text cells
}

func (r *sheetReader) sheetPos() diag.Pos { return diag.Pos{File: r.file, Sheet: r.sheet} }

func (r *sheetReader) cellPos(col, row int) diag.Pos {
	return diag.Pos{File: r.file, Sheet: r.sheet, Cell: diag.CellRef(col, row)}
}

func (r *sheetReader) rowPos() diag.Pos {
	return diag.Pos{File: r.file, Sheet: r.sheet, Cell: fmt.Sprintf("row %d", r.row)}
}

// read streams the sheet stored in part.
func (r *sheetReader) read(wb *workbook, part string) (*sheetData, error) {
	if part == "" {
		return nil, diag.Data.Errorf(r.sheetPos(), "the workbook does not say which part holds this sheet")
	}
	if findPart(wb.zr, part, true) == nil {
		return nil, diag.Data.Errorf(r.sheetPos(), "the workbook has no part %s for this sheet", part)
	}
	d, g, done, err := wb.streamPart(part, r.lim)
	if err != nil {
		return nil, diag.Data.Errorf(r.sheetPos(), "cannot read sheet: %v", err)
	}
	defer done()
	r.d = d
	for {
		g.start = d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(r.open) > 0 {
				return nil, diag.Data.Errorf(r.sheetPos(), "malformed worksheet XML: unexpected end of file inside <%s>", r.open[len(r.open)-1].Local)
			}
			break
		}
		if err != nil {
			return nil, r.readError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = r.start(t)
		case xml.CharData:
			err = r.charData(t)
		case xml.EndElement:
			err = r.end(t)
		case xml.Directive:
			err = diag.Data.Errorf(r.sheetPos(), "refusing workbook: the worksheet declares a DTD or entities, which spreadsheet programs never write")
		}
		if err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(r.out.merged.areas, func(a, b mergedArea) int { return a.row0 - b.row0 })
	return &r.out, nil
}

func (r *sheetReader) readError(err error) error {
	var run *errLongRun
	if errors.As(err, &run) {
		line, _ := r.d.InputPos()
		at := r.sheetPos()
		if r.inCell {
			at = r.cellPos(r.col, r.row)
		}
		return diag.Data.Errorf(at, "%v (line %d of the sheet's XML)", err, line)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return diag.Data.Errorf(r.sheetPos(), "malformed worksheet XML: %v", err)
	}
	return diag.Data.Errorf(r.sheetPos(), "cannot read sheet: %v", err)
}

func (r *sheetReader) start(t xml.StartElement) error {
	if len(r.open) >= maxXMLDepth {
		return diag.Data.Errorf(r.sheetPos(), "malformed worksheet XML: elements nest deeper than %d", maxXMLDepth)
	}
	parent := ""
	if len(r.open) > 0 {
		parent = r.open[len(r.open)-1].Local
	}
	r.open = append(r.open, t.Name)
	switch t.Name.Local {
	case "row":
		if parent == "sheetData" {
			return r.startRow(t)
		}
	case "c":
		if r.inRow && parent == "row" {
			return r.startCell(t)
		}
	case "v":
		if r.inCell && parent == "c" {
			r.inV, r.text = true, r.text[:0]
		}
	case "is":
		if r.inCell && parent == "c" {
			r.inIS, r.sawIS, r.text = true, true, r.text[:0]
		}
	case "rPh":
		r.rPh++
	case "t":
		r.inT = r.inIS && r.rPh == 0
	case "mergeCell":
		if len(r.out.merged.areas) >= r.lim.MaxRows {
			return diag.Data.Errorf(r.sheetPos(), "more than %d merged ranges", r.lim.MaxRows)
		}
		m, err := parseMerge(attr(t, "ref"), r.lim.MaxCols)
		if err != nil {
			return diag.Data.Errorf(r.sheetPos(), "reading merged cells: %v", err)
		}
		r.out.merged.areas = append(r.out.merged.areas, m)
	}
	return nil
}

// startRow numbers the row as excelize does: its r attribute when that is
// a row number, else the one after the last.
func (r *sheetReader) startRow(t xml.StartElement) error {
	num := r.row + 1
	if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > 0 {
		num = n
	}
	if num <= r.out.last {
		return diag.Data.Errorf(r.sheetPos(), "malformed worksheet: row %d comes after row %d", num, r.out.last)
	}
	if num > r.lim.MaxRows+r.headerRow {
		return diag.Data.Errorf(r.sheetPos(), "more than %d rows; split the sheet or raise the limit", r.lim.MaxRows)
	}
	r.row, r.out.last, r.inRow = num, num, true
	r.col, r.rowCells = 0, 0
	r.rowText, r.spans = r.rowText[:0], r.spans[:0]
	return nil
}

func (r *sheetReader) startCell(t xml.StartElement) error {
	if r.rowCells++; r.rowCells > maxSheetCols {
		return diag.Data.Errorf(r.rowPos(), "more than %d cells in one row, the most a sheet can have", maxSheetCols)
	}
	r.col++
	r.cellType, r.style = "", 0
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "r":
			c, _, err := excelize.CellNameToCoordinates(a.Value)
			if err != nil {
				return diag.Data.Errorf(r.rowPos(), "malformed row: %v", err)
			}
			r.col = c
		case "t":
			r.cellType = a.Value
		case "s":
			if n, err := strconv.ParseInt(a.Value, 10, 32); err == nil && n >= 0 {
				r.style = int32(n)
			}
		}
	}
	if r.col > maxSheetCols {
		return diag.Data.Errorf(r.rowPos(), "more than %d cells in one row, the most a sheet can have", maxSheetCols)
	}
	r.inCell, r.sawIS, r.text = true, false, r.text[:0]
	return nil
}

func (r *sheetReader) charData(t xml.CharData) error {
	if !r.inV && !r.inT {
		return nil
	}
	if len(r.text)+len(t) > r.lim.MaxCellBytes {
		return checkCell(r.cellPos(r.col, r.row), len(r.text)+len(t), r.lim)
	}
	r.text = append(r.text, t...)
	return nil
}

func (r *sheetReader) end(t xml.EndElement) error {
	if len(r.open) == 0 || r.open[len(r.open)-1] != t.Name {
		line, _ := r.d.InputPos()
		return diag.Data.Errorf(r.sheetPos(), "malformed worksheet XML: unexpected </%s> on line %d", t.Name.Local, line)
	}
	r.open = r.open[:len(r.open)-1]
	switch t.Name.Local {
	case "v":
		r.inV = false
	case "is":
		r.inIS = false
	case "t":
		r.inT = false
	case "rPh":
		r.rPh--
	case "c":
		if r.inCell {
			r.inCell = false
			return r.endCell()
		}
	case "row":
		if r.inRow {
			r.inRow = false
			r.endRow()
		}
	}
	return nil
}

// endCell keeps the cell's value, if it has one: the text of <v> or of
// the inline string, or the shared string <v> points at.
func (r *sheetReader) endCell() error {
	span := cellSpan{col: r.col, style: r.style}
	if r.cellType != "" && r.cellType != "n" {
		span.style = -1 // text, a boolean, an error or an ISO date: no number format applies
	}
	switch r.cellType {
	case "s":
		s := strings.TrimSpace(string(r.text))
		if s == "" {
			return nil
		}
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= r.sst.len() {
			return diag.Data.Errorf(r.cellPos(r.col, r.row), "cell refers to shared string %q, but the workbook has %d (0 to %d)", s, r.sst.len(), r.sst.len()-1)
		}
		span.shared, span.isShared = r.sst.get(i), true
		if err := checkCell(r.cellPos(r.col, r.row), len(span.shared), r.lim); err != nil {
			return err
		}
		if span.shared == "" {
			return nil
		}
	case "inlineStr":
		if r.sawIS {
			r.text = decodeEscapes(r.text)
		}
	case "e":
		if r.out.errRow == 0 && r.row >= r.headerRow {
			r.out.errRow, r.out.errCol, r.out.errVal = r.row, r.col, strings.TrimSpace(string(r.text))
		}
	}
	if !span.isShared {
		if len(r.text) == 0 {
			return nil
		}
		span.start = len(r.rowText)
		r.rowText = append(r.rowText, r.text...)
		span.end = len(r.rowText)
	}
	if r.col > r.lim.MaxCols {
		return diag.Data.Errorf(r.cellPos(r.col, r.row), "data beyond column %s; at most %d columns are read", diag.ColumnName(r.lim.MaxCols), r.lim.MaxCols)
	}
	r.spans = append(r.spans, span)
	return nil
}

// endRow keeps the row if any of its cells has a value. Its inline texts
// become one string that the cells share.
func (r *sheetReader) endRow() {
	if len(r.spans) == 0 {
		return
	}
	width := 0
	for _, s := range r.spans {
		width = max(width, s.col)
	}
	text := string(r.rowText)
	cells := make([]string, width)
	styles := make([]int32, width)
	for _, s := range r.spans {
		if s.isShared {
			cells[s.col-1] = s.shared
		} else {
			cells[s.col-1] = text[s.start:s.end]
		}
		styles[s.col-1] = s.style
	}
	r.out.rows = append(r.out.rows, rawRow{num: r.row, cells: cells, styles: styles})
}

// build turns the rows into a table: every row from the first to the
// last (a row the XML leaves out is an empty one), with merged ranges
// filled, the header at spec.HeaderRow and typed values below it. A
// header cell that is a date shows as one (2024-01-31, or 2024-01 when
// its format shows no day), so that a row of months names its columns.
func (s *sheetData) build(spec Spec, lim Limits, sheet string, date1904 bool, st cellStyles) (*Table, error) {
	var b *builder
	next := 0
	for num := 1; num <= s.last; num++ {
		var cells []string
		var styles []int32
		if next < len(s.rows) && s.rows[next].num == num {
			cells, styles = s.rows[next].cells, s.rows[next].styles
			s.rows[next].cells, s.rows[next].styles = nil, nil // the table keeps what it needs
			next++
		}
		if num == s.errRow {
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet, Cell: diag.CellRef(s.errCol, num)},
				"cell holds the error value %s; fix the formula or clear the cell", s.errVal)
		}
		cells, styles = s.merged.fill(num, cells, styles)
		if num < spec.HeaderRow {
			continue
		}
		if num == spec.HeaderRow {
			var err error
			b, err = newBuilder(spec, lim, sheet, datedHeader(cells, styles, st, date1904), func(i int) (int32, int32) { return int32(num), int32(i + 1) })
			if err != nil {
				return nil, err
			}
			b.serial, b.date1904 = true, date1904
			b.reserve(len(s.rows) - next)
			continue
		}
		r := int32(num)
		info := func(i int) cellInfo {
			if i >= len(styles) || styles[i] < 0 {
				return cellInfo{}
			}
			return cellInfo{numeric: true, format: st.of(styles[i])}
		}
		if err := b.add(cells, func(i int) (int32, int32) { return r, int32(i + 1) }, info); err != nil {
			return nil, err
		}
	}
	if b == nil {
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet}, "sheet has no header row (expected column names in row %d)", spec.HeaderRow)
	}
	if b.minField >= 0 {
		b.t.Range = diag.CellRef(b.minField+1, spec.HeaderRow) + ":" + diag.CellRef(b.maxField+1, int(max(b.lastLine, int32(spec.HeaderRow))))
	}
	return b.finish()
}

// datedHeader shows the header's date cells as dates.
func datedHeader(cells []string, styles []int32, st cellStyles, date1904 bool) []string {
	out := slices.Clone(cells)
	for i := range out {
		if i >= len(styles) || styles[i] < 0 {
			continue
		}
		class := st.of(styles[i]).class
		if class != fmtDate && class != fmtMonth {
			continue
		}
		k := Date
		if class == fmtMonth {
			k = Month
		}
		if v, err := parse(k, cellInput{text: out[i], serial: true, date1904: date1904}, ""); err == nil {
			out[i] = Format(k, v)
		}
	}
	return out
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// mergedArea is a merged range; only its top-left cell holds the value.
type mergedArea struct {
	col0, row0, col1, row1 int // 1-based, inclusive
	value                  string
	style                  int32
}

// mergedSet holds a sheet's merged ranges sorted by first row; fill is
// called for rows in increasing order and only looks at the ranges that
// span the row, so a sheet with a merged range on every row stays linear.
type mergedSet struct {
	areas  []mergedArea
	next   int   // first area not yet reached
	active []int // areas that may span the current row
}

func parseMerge(ref string, maxCols int) (mergedArea, error) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		b = a
	}
	c0, r0, err1 := excelize.CellNameToCoordinates(a)
	c1, r1, err2 := excelize.CellNameToCoordinates(b)
	if err := errors.Join(err1, err2); err != nil {
		return mergedArea{}, err
	}
	c0, c1 = min(c0, c1), max(c0, c1)
	r0, r1 = min(r0, r1), max(r0, r1)
	return mergedArea{col0: c0, row0: r0, col1: min(c1, maxCols), row1: r1}, nil
}

// fill copies each merged range's top-left value into the rest of the
// range, so a merged label applies to every row and column it spans.
func (s *mergedSet) fill(row int, cells []string, styles []int32) ([]string, []int32) {
	for s.next < len(s.areas) && s.areas[s.next].row0 <= row {
		s.active = append(s.active, s.next)
		s.next++
	}
	keep := s.active[:0]
	for _, i := range s.active {
		m := &s.areas[i]
		if row > m.row1 {
			continue
		}
		keep = append(keep, i)
		if row == m.row0 && m.col0 <= len(cells) {
			m.value, m.style = cells[m.col0-1], styles[m.col0-1]
		}
		for len(cells) < m.col1 {
			cells, styles = append(cells, ""), append(styles, 0)
		}
		for c := m.col0; c <= m.col1; c++ {
			if c != m.col0 || row != m.row0 {
				cells[c-1], styles[c-1] = m.value, m.style
			}
		}
	}
	s.active = keep
	return cells, styles
}
