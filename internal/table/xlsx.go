package table

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/diag"
)

// loadXLSX streams one worksheet with raw cell values: numbers as written
// (20000000, 0.25), dates as serials, formulas by their cached value.
func loadXLSX(src []byte, spec Spec, lim Limits) (*Table, error) {
	at := diag.Pos{File: spec.File}
	f, err := excelize.OpenReader(bytes.NewReader(src), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: min(lim.MaxUnzipped, 16<<20),
	})
	if err != nil {
		return nil, diag.Data.Errorf(at, "not a readable workbook: %v", err)
	}
	defer f.Close()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return nil, diag.Data.Errorf(at, "not a readable workbook: %v", err)
	}
	if err := checkSharedStrings(zr, spec.File); err != nil {
		return nil, err
	}
	sheet := spec.Sheet
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, diag.Data.Errorf(at, "workbook has no worksheets")
		}
		sheet = sheets[0]
	} else if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, diag.Data.Errorf(spec.Where, "table %q: %s has no sheet %q (sheets: %s)",
			spec.Name, spec.File, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	sheetAt := diag.Pos{File: spec.File, Sheet: sheet}
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, diag.Data.Errorf(at, "reading workbook properties: %v", err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	scan, err := scanSheet(f, zr, sheet, spec.HeaderRow, lim.MaxCols)
	if err != nil {
		return nil, diag.Data.Errorf(sheetAt, "%v", err)
	}
	merged := scan.merged

	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, diag.Data.Errorf(sheetAt, "cannot read sheet: %v", err)
	}
	defer rows.Close()
	var b *builder
	rowNum := 0
	for rows.Next() {
		rowNum++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet, Cell: fmt.Sprintf("row %d", rowNum)}, "malformed row: %v", err)
		}
		if rowNum > lim.MaxRows+spec.HeaderRow {
			return nil, diag.Data.Errorf(sheetAt, "more than %d rows; split the sheet or raise the limit", lim.MaxRows)
		}
		if len(cells) > lim.MaxCols {
			for i := lim.MaxCols; i < len(cells); i++ {
				if cells[i] != "" {
					return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet, Cell: diag.CellRef(i+1, rowNum)},
						"data beyond column %s; at most %d columns are read", diag.ColumnName(lim.MaxCols), lim.MaxCols)
				}
			}
			cells = cells[:lim.MaxCols]
		}
		for i, c := range cells {
			if len(c) > lim.MaxCellBytes {
				return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet, Cell: diag.CellRef(i+1, rowNum)},
					"cell holds %d bytes, over the limit of %d", len(c), lim.MaxCellBytes)
			}
		}
		if rowNum == scan.errRow {
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Sheet: sheet, Cell: diag.CellRef(scan.errCol, rowNum)},
				"cell holds the error value %s; fix the formula or clear the cell", scan.errVal)
		}
		cells = merged.fill(rowNum, cells)
		if rowNum < spec.HeaderRow {
			continue
		}
		if rowNum == spec.HeaderRow {
			r := rowNum
			b, err = newBuilder(spec, lim, sheet, cells, func(i int) diag.Pos {
				return diag.Pos{File: spec.File, Sheet: sheet, Cell: diag.CellRef(i+1, r)}
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		r := int32(rowNum)
		err = b.add(cells, func(i int) (int32, int32) { return r, int32(i + 1) }, func(int) bool { return true }, date1904)
		if err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, diag.Data.Errorf(sheetAt, "reading rows: %v", err)
	}
	if b == nil {
		return nil, diag.Data.Errorf(sheetAt, "sheet has no header row (expected column names in row %d)", spec.HeaderRow)
	}
	return b.t, nil
}

// checkSharedStrings refuses a workbook whose shared-string table declares
// a DTD: excelize cannot read such a table and then reports every string
// cell as empty instead of failing, which would pass off a damaged table as
// a whole one. The part is streamed from the package rather than taken from
// excelize's memory, because excelize keeps a large part (over its
// UnzipXMLSizeLimit) in a temporary file instead.
func checkSharedStrings(zr *zip.Reader, file string) error {
	zf := findPart(zr, "xl/sharedStrings.xml", true)
	if zf == nil {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return diag.Data.Errorf(diag.Pos{File: file}, "not a readable workbook: %v", err)
	}
	defer rc.Close()
	found, err := containsAny(rc, "<!DOCTYPE", "<!ENTITY")
	if err != nil {
		return diag.Data.Errorf(diag.Pos{File: file}, "not a readable workbook: reading shared strings: %v", err)
	}
	if found {
		return diag.Data.Errorf(diag.Pos{File: file}, "refusing workbook: its shared strings declare a DTD or entities, which spreadsheet programs never write")
	}
	return nil
}

// containsAny reports whether r holds any of pats, reading it in chunks.
func containsAny(r io.Reader, pats ...string) (bool, error) {
	keep := 0
	for _, p := range pats {
		keep = max(keep, len(p)-1)
	}
	buf := make([]byte, keep+64<<10)
	have := 0
	for {
		n, err := r.Read(buf[have:])
		have += n
		for _, p := range pats {
			if bytes.Contains(buf[:have], []byte(p)) {
				return true, nil
			}
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if have > keep {
			have = copy(buf, buf[have-keep:have])
		}
	}
}

// findPart returns the zip entry called name, or nil. Names use forward
// slashes; fold compares them case-insensitively, as excelize does for
// the shared strings.
func findPart(zr *zip.Reader, name string, fold bool) *zip.File {
	for _, zf := range zr.File {
		n := strings.ReplaceAll(zf.Name, "\\", "/")
		if n == name || fold && strings.EqualFold(n, name) {
			return zf
		}
	}
	return nil
}

// mergedArea is a merged range; only its top-left cell holds the value.
type mergedArea struct {
	col0, row0, col1, row1 int // 1-based, inclusive
	value                  string
}

// mergedSet holds a sheet's merged ranges sorted by first row; fill is
// called for rows in increasing order and only looks at the ranges that
// span the row, so a sheet with a merged range on every row stays linear.
type mergedSet struct {
	areas  []mergedArea
	next   int   // first area not yet reached
	active []int // areas that may span the current row
}

// sheetScan is what scanSheet learns from one pass over the worksheet XML.
type sheetScan struct {
	merged mergedSet
	// The first cell at or below the header row that holds an error value
	// (#DIV/0!, #N/A, ...); errRow is 0 when there is none.
	errRow, errCol int
	errVal         string
}

// scanSheet streams the worksheet's XML once, before its rows are read. It
// collects the merged ranges and the first error cell at or below the
// header row, and it makes sure the XML is well formed: excelize's row
// iterator stops silently at a syntax error, which would make a truncated
// sheet look like a short one. It never builds the whole sheet in memory.
func scanSheet(f *excelize.File, zr *zip.Reader, sheet string, headerRow, maxCols int) (*sheetScan, error) {
	name, err := sheetPart(zr, sheet)
	if err != nil {
		return nil, err
	}
	zf := findPart(zr, name, false)
	if zf == nil {
		return nil, fmt.Errorf("the workbook has no part %s for this sheet", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("cannot read sheet: %v", err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = f.CharsetReader
	scan := &sheetScan{}
	row, col := 0, 0
	inErr, inV := false, false
	// RawToken is much cheaper than Token; the open elements are tracked
	// here so that mismatched or unclosed tags are still caught.
	var open []xml.Name
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) > 0 {
				return nil, fmt.Errorf("malformed worksheet XML: unexpected end of file inside <%s>", open[len(open)-1].Local)
			}
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("malformed worksheet XML: %v", err)
			}
			return nil, fmt.Errorf("cannot read sheet: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
			switch t.Name.Local {
			case "row":
				// As excelize numbers rows: r when present, else the next.
				if r, _ := strconv.Atoi(attr(t, "r")); r > 0 {
					row = r
				} else {
					row++
				}
				col = 0
			case "c":
				col++
				if ref := attr(t, "r"); ref != "" {
					if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
						col = c
					}
				}
				inErr = scan.errRow == 0 && row >= headerRow && attr(t, "t") == "e"
			case "v":
				inV = inErr
			case "mergeCell":
				m, err := parseMerge(attr(t, "ref"), maxCols)
				if err != nil {
					return nil, fmt.Errorf("reading merged cells: %v", err)
				}
				scan.merged.areas = append(scan.merged.areas, m)
			}
		case xml.CharData:
			if inV {
				scan.errVal += string(t)
			}
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				line, _ := d.InputPos()
				return nil, fmt.Errorf("malformed worksheet XML: unexpected </%s> on line %d", t.Name.Local, line)
			}
			open = open[:len(open)-1]
			switch t.Name.Local {
			case "v":
				inV = false
			case "c":
				if inErr {
					scan.errRow, scan.errCol = row, col
					scan.errVal = strings.TrimSpace(scan.errVal)
				}
				inErr = false
			}
		}
	}
	slices.SortStableFunc(scan.merged.areas, func(a, b mergedArea) int { return a.row0 - b.row0 })
	return scan, nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
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

// sheetPart finds the package part that holds the named sheet, the way
// excelize does: through the workbook's relationships.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	var root rels
	if err := readPartXML(zr, "_rels/.rels", &root); err != nil {
		return "", err
	}
	wbPath := ""
	for _, r := range root.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wbPath == "" {
		return "", errors.New("the workbook has no main part")
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readPartXML(zr, wbPath, &wb); err != nil {
		return "", err
	}
	var wbRels rels
	dir := path.Dir(wbPath)
	relsPath := strings.TrimPrefix(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), "/")
	if err := readPartXML(zr, relsPath, &wbRels); err != nil {
		return "", err
	}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		id := ""
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				id = a.Value
			}
		}
		for _, r := range wbRels.Rel {
			if r.ID == id {
				target := strings.ReplaceAll(r.Target, "\\", "/")
				if strings.HasPrefix(target, "/") {
					return strings.TrimPrefix(path.Clean(target), "/"), nil
				}
				return strings.TrimPrefix(path.Clean(dir+"/"+target), "/"), nil
			}
		}
	}
	return "", fmt.Errorf("cannot find the part that holds sheet %q", sheet)
}

// readPartXML decodes a small part of the package (a relationships list or
// the workbook) into v.
func readPartXML(zr *zip.Reader, name string, v any) error {
	zf := findPart(zr, name, false)
	if zf == nil {
		return fmt.Errorf("the workbook has no part %s", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	return nil
}

// fill copies each merged range's top-left value into the rest of the
// range, so a merged label applies to every row and column it spans.
func (s *mergedSet) fill(row int, cells []string) []string {
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
			m.value = cells[m.col0-1]
		}
		for len(cells) < m.col1 {
			cells = append(cells, "")
		}
		for c := m.col0; c <= m.col1; c++ {
			if c != m.col0 || row != m.row0 {
				cells[c-1] = m.value
			}
		}
	}
	s.active = keep
	return cells
}
