package table_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// allocBound is the most a single Load may allocate (in total, not just
// live) on any fixture, hostile ones included. The largest honest fixture
// needs about 4 MiB.
const allocBound = 64 << 20

// loadMeasured loads spec from fsys and returns what Load returned and how
// many bytes it allocated in all. Tests using it must not run in parallel.
func loadMeasured(t *testing.T, fsys fs.FS, spec table.Spec, lim table.Limits) (*table.Table, uint64, error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tb, err := table.Load(fsys, spec, lim)
	runtime.ReadMemStats(&after)
	return tb, after.TotalAlloc - before.TotalAlloc, err
}

// cellTexts returns the canonical text of every cell, row by row, with the
// cell reference of each, e.g. "A4=A4".
func cellTexts(tb *table.Table) [][]string {
	var out [][]string
	for r, row := range tb.Rows {
		var line []string
		for c, v := range row {
			line = append(line, tb.Pos(r, c).Cell+"="+table.Format(tb.Columns[c].Kind, v))
		}
		out = append(out, line)
	}
	return out
}

// fixture is one workbook under testdata/xlsx read one way. Exactly one of
// rows and wantErr is set.
type fixture struct {
	name    string
	file    string
	spec    table.Spec // File and Name are filled in
	columns []string
	rows    [][]string // "Cell=text" per cell, see cellTexts
	wantErr string     // the whole error text a user sees
	errIn   string     // or, for errors that quote a library, the file and sheet prefix...
	errHas  string     // ...and a fragment of the message
	check   func(t *testing.T, tb *table.Table)
}

var fixtures = []fixture{
	{
		// LibreOffice, date1904="true". A1 42735 and A2 42736 are
		// 2021-01-01 and 2021-01-02 in the 1904 system (the 1900 system
		// would give 2016-12-31 and 2017-01-01); A3 10.632... is a
		// duration shown as [h]:mm:ss, i.e. 1904-01-11 15:10 as a date.
		// A1, a date in the header row, names its column as a date.
		name: "1904 dates", file: "calamine__date_1904.xlsx",
		spec:    table.Spec{Columns: map[string]table.Kind{"2021_01_01": table.Date, "15": table.Number}},
		columns: []string{"2021_01_01", "15"},
		rows: [][]string{
			{"A2=2021-01-02", "B2=16"},
			{"A3=1904-01-11", "B3=17"},
		},
	},
	{
		name: "1904 dates read as months", file: "calamine__date_1904.xlsx",
		spec:    table.Spec{Columns: map[string]table.Kind{"2021_01_01": table.Month}},
		columns: []string{"2021_01_01", "15"},
		rows: [][]string{
			{"A2=2021-01", "B2=16"},
			{"A3=1904-01", "B3=17"},
		},
	},
	{
		// openpyxl: the same serial 44197 under four date formats, some
		// with quoted literals; the format must not matter to the value.
		// A1's format, mmmm" "yyyy, shows no day: its column is named by
		// the month.
		name: "quoted date formats", file: "calamine__date_quoted_format.xlsx",
		spec:    table.Spec{Columns: map[string]table.Kind{"2021_01": table.Date}},
		columns: []string{"2021_01"},
		rows:    [][]string{{"A2=2021-01-01"}, {"A3=2021-01-01"}, {"A4=2021-01-01"}},
	},
	{
		// Feuil1 holds one error value per row, A1..A7, each the cached
		// result of a formula. Whichever row is the header, the error in
		// it is reported at its cell; errors above the header are not
		// part of the table.
		name: "error #DIV/0! in the header row", file: "calamine__errors.xlsx",
		wantErr: "calamine__errors.xlsx: Feuil1!A1: cell holds the error value #DIV/0!; fix the formula or clear the cell",
	},
	{
		name: "error #NAME?", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 2},
		wantErr: "calamine__errors.xlsx: Feuil1!A2: cell holds the error value #NAME?; fix the formula or clear the cell",
	},
	{
		name: "error #VALUE!", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 3},
		wantErr: "calamine__errors.xlsx: Feuil1!A3: cell holds the error value #VALUE!; fix the formula or clear the cell",
	},
	{
		name: "error #NULL!", file: "calamine__errors.xlsx", spec: table.Spec{Sheet: "Feuil1", HeaderRow: 4},
		wantErr: "calamine__errors.xlsx: Feuil1!A4: cell holds the error value #NULL!; fix the formula or clear the cell",
	},
	{
		name: "error #REF!", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 5},
		wantErr: "calamine__errors.xlsx: Feuil1!A5: cell holds the error value #REF!; fix the formula or clear the cell",
	},
	{
		name: "error #NUM!", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 6},
		wantErr: "calamine__errors.xlsx: Feuil1!A6: cell holds the error value #NUM!; fix the formula or clear the cell",
	},
	{
		name: "error #N/A", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 7},
		wantErr: "calamine__errors.xlsx: Feuil1!A7: cell holds the error value #N/A; fix the formula or clear the cell",
	},
	{
		// Rows 8..20 are empty (row 20 is a hidden, empty row element).
		name: "errors all above the header", file: "calamine__errors.xlsx", spec: table.Spec{HeaderRow: 8},
		wantErr: "calamine__errors.xlsx: Feuil1!A8: no header row found (expected column names in row 8)",
	},
	{
		name: "empty sheet", file: "calamine__errors.xlsx", spec: table.Spec{Sheet: "Feuil2"},
		wantErr: "calamine__errors.xlsx: Feuil2: sheet has no header row (expected column names in row 1)",
	},
	{
		name: "missing sheet", file: "calamine__errors.xlsx",
		spec:    table.Spec{Sheet: "Feuil9", Where: diag.Pos{File: "site.toml", Line: 7, Col: 9}},
		wantErr: `site.toml:7:9: table "fx": calamine__errors.xlsx has no sheet "Feuil9" (sheets: Feuil1, Feuil2, Feuil3)`,
	},
	{
		// Hand-made: inline strings, some in CDATA, no docProps at all.
		name: "inline strings and CDATA", file: "calamine__inlineStr_cdata.xlsx",
		spec:    table.Spec{Columns: map[string]table.Kind{"hello_cdata": table.Number}},
		columns: []string{"hello_cdata", "world"},
		rows:    [][]string{{"A2=12345", "B2=NormalText"}},
	},
	{
		// Every row of Sheet1 has C:D merged (C1:D2, C3:D3, C4:D4), so
		// whatever the header row, C and D would both take the same name.
		// That must be refused, not guessed at.
		name: "merged header across two columns", file: "calamine__merged_range.xlsx",
		wantErr: `calamine__merged_range.xlsx: Sheet1!D1: duplicate column "c1" in the header`,
	},
	{
		name: "merged header below a two-row merge", file: "calamine__merged_range.xlsx", spec: table.Spec{HeaderRow: 2},
		wantErr: `calamine__merged_range.xlsx: Sheet1!D2: duplicate column "c1" in the header`,
	},
	{
		name: "merged header in row 3", file: "calamine__merged_range.xlsx", spec: table.Spec{HeaderRow: 3},
		wantErr: `calamine__merged_range.xlsx: Sheet1!D3: duplicate column "c3" in the header`,
	},
	{
		name: "merged header on the second sheet", file: "calamine__merged_range.xlsx", spec: table.Spec{Sheet: "Sheet2"},
		wantErr: `calamine__merged_range.xlsx: Sheet2!D1: duplicate column "c1" in the header`,
	},
	{
		// Mac Excel: B1 =A1*2 with B2, B3 sharing the formula; only the
		// cached values 2, 4, 6 are in the file.
		name: "shared formulas", file: "calamine__shared_formula_simple.xlsx",
		spec:    table.Spec{Columns: map[string]table.Kind{"1": table.Number, "2": table.Money}},
		columns: []string{"1", "2"},
		rows:    [][]string{{"A2=2", "B2=4"}, {"A3=3", "B3=6"}},
	},
	{
		// Excel 16 saving Strict Open XML: purl.oclc.org namespaces, one
		// sheet "ml_out" of 76 rows (header + 75) by 18 columns, A..R.
		name: "strict OOXML", file: "calamine__strict_iso_paths.xlsx",
		spec: table.Spec{Columns: map[string]table.Kind{
			"thickness": table.Number, "flatsurface_area": table.Number, "weight": table.Number,
			"volume": table.Money, "goldenrun": table.Number,
		}},
		columns: []string{"item", "thickness", "number_off_bends", "number_off_fold_tracks",
			"number_off_bend_downs", "number_off_bend_ups", "minimal_fold_length", "maximal_fold_length",
			"average_fold_length", "flatsurface_area", "flatbox_x", "flatbox_y", "partbox_x", "partbox_y",
			"partbox_z", "weight", "volume", "goldenrun"},
		check: func(t *testing.T, tb *table.Table) {
			if tb.Sheet != "ml_out" {
				t.Errorf("sheet = %q, want ml_out (the first and only sheet)", tb.Sheet)
			}
			if len(tb.Rows) != 75 {
				t.Fatalf("%d data rows, want 75", len(tb.Rows))
			}
			get := func(r int, col string) table.Value { return tb.Rows[r][tb.Col(col)] }
			// Row 2 of the sheet, values as written in the XML.
			if v := get(0, "item"); v.S != "150-031260-001_B" {
				t.Errorf("A2 = %q", v.S)
			}
			if v := get(0, "flatsurface_area"); v.F != 1051527.3933333333 {
				t.Errorf("J2 = %v, want 1051527.3933333333", v.F)
			}
			if v := get(0, "weight"); v.F != 12.618328720000001 {
				t.Errorf("P2 = %v, want 12.618328720000001", v.F)
			}
			// A3 is a number cell in a text column: its digits, not 1.6e9.
			if v := get(1, "item"); v.S != "1625593500" {
				t.Errorf("A3 = %q, want 1625593500", v.S)
			}
			// Row 76, the last one.
			last := len(tb.Rows) - 1
			if v := get(last, "item"); v.S != "1622530102" {
				t.Errorf("A76 = %q", v.S)
			}
			if v := get(last, "thickness"); v.F != 1.25 {
				t.Errorf("B76 = %v", v.F)
			}
			if v := get(last, "volume"); v.F != 64261.25 {
				t.Errorf("Q76 = %v", v.F)
			}
			if v := get(last, "goldenrun"); v.F != 15 {
				t.Errorf("R76 = %v", v.F)
			}
			if p := tb.Pos(last, tb.Col("goldenrun")).String(); p != "calamine__strict_iso_paths.xlsx: ml_out!R76" {
				t.Errorf("position of R76 = %s", p)
			}
			// Every cell against excelize's other (whole-sheet) reader.
			f, err := excelize.OpenFile(filepath.Join("testdata", "xlsx", "calamine__strict_iso_paths.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want, err := f.GetRows("ml_out", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			for r, row := range tb.Rows {
				for c, v := range row {
					raw := want[r+1][c]
					if tb.Columns[c].Kind == table.Text {
						if v.S != raw {
							t.Errorf("%s: %q, excelize GetRows has %q", tb.Pos(r, c).Cell, v.S, raw)
						}
						continue
					}
					f, err := strconv.ParseFloat(raw, 64)
					if err != nil || v.F != f {
						t.Errorf("%s: %v, excelize GetRows has %q", tb.Pos(r, c).Cell, v.F, raw)
					}
				}
			}
		},
	},
	{
		// Excel 2007. Each cell holds its own name; merged: A1:B1, A2:A3,
		// A4:B5, A7:C10. With the header in row 3, A3 (under A2:A3)
		// names its column after A2, and the 2x2 and 3x4 blocks below
		// fill every cell they cover.
		name: "merged cells filled", file: "excelize__MergeCell.xlsx", spec: table.Spec{HeaderRow: 3},
		columns: []string{"a2", "b3", "c3", "d3"},
		rows: [][]string{
			{"A4=A4", "B4=A4", "C4=C4", "D4=D4"},
			{"A5=A4", "B5=A4", "C5=C5", "D5=D5"},
			{"A6=A6", "B6=B6", "C6=C6", "D6=D6"},
			{"A7=A7", "B7=A7", "C7=A7", "D7=D7"},
			{"A8=A7", "B8=A7", "C8=A7", "D8=D8"},
			{"A9=A7", "B9=A7", "C9=A7", "D9=D9"},
			{"A10=A7", "B10=A7", "C10=A7", "D10=D10"},
			{"A11=A11", "B11=B11", "C11=C11", "D11=D11"},
			{"A12=A12", "B12=B12", "C12=C12", "D12=D12"},
		},
	},
	{
		name: "merged cells, plain header row", file: "excelize__MergeCell.xlsx", spec: table.Spec{HeaderRow: 6},
		columns: []string{"a6", "b6", "c6", "d6"},
		rows: [][]string{
			{"A7=A7", "B7=A7", "C7=A7", "D7=D7"},
			{"A8=A7", "B8=A7", "C8=A7", "D8=D8"},
			{"A9=A7", "B9=A7", "C9=A7", "D9=D9"},
			{"A10=A7", "B10=A7", "C10=A7", "D10=D10"},
			{"A11=A11", "B11=B11", "C11=C11", "D11=D11"},
			{"A12=A12", "B12=B12", "C12=C12", "D12=D12"},
		},
	},
	{
		name: "merged header cell A1:B1", file: "excelize__MergeCell.xlsx",
		wantErr: `excelize__MergeCell.xlsx: Sheet1!B1: duplicate column "a1" in the header`,
	},
	{
		// Hostile: a 1 MB shared string used by every cell, and rows that
		// start at r="0", which is not a row number.
		name: "hostile: huge shared string", file: "poi__poc-shared-strings.xlsx",
		errIn: "poi__poc-shared-strings.xlsx: Tabelle1", errHas: `invalid cell name "A0"`,
	},
	{
		name: "hostile: huge shared string, header in row 2", file: "poi__poc-shared-strings.xlsx",
		spec:  table.Spec{HeaderRow: 2},
		errIn: "poi__poc-shared-strings.xlsx: Tabelle1", errHas: `invalid cell name "A0"`,
	},
	{
		// Hostile: "billion laughs" entities in the shared strings.
		name: "hostile: entity expansion", file: "poi__poc-xmlbomb-empty.xlsx",
		wantErr: "poi__poc-xmlbomb-empty.xlsx: refusing workbook: its shared strings declare a DTD or entities, which spreadsheet programs never write",
	},
}

func TestFixtures(t *testing.T) {
	fsys := os.DirFS(filepath.Join("testdata", "xlsx"))
	for _, fx := range fixtures {
		t.Run(fx.file+"/"+fx.name, func(t *testing.T) {
			spec := fx.spec
			spec.Name, spec.File = "fx", fx.file
			tb, alloc, err := loadMeasured(t, fsys, spec, table.DefaultLimits)
			t.Logf("allocated %d KiB; error: %v", alloc>>10, err)
			if alloc > allocBound {
				t.Errorf("Load allocated %d MiB, over the %d MiB bound", alloc>>20, allocBound>>20)
			}
			switch {
			case fx.wantErr != "" || fx.errIn != "":
				if err == nil {
					t.Fatalf("loaded %d rows; want the workbook refused", len(tb.Rows))
				}
				if tb != nil {
					t.Errorf("a table came back with the error")
				}
				var de *diag.Error
				if !errors.As(err, &de) {
					t.Errorf("error is %T, want *diag.Error", err)
				}
				if fx.wantErr != "" && err.Error() != fx.wantErr {
					t.Errorf("error:\n got %s\nwant %s", err, fx.wantErr)
				}
				if fx.errIn != "" && (!strings.HasPrefix(err.Error(), fx.errIn) || !strings.Contains(err.Error(), fx.errHas)) {
					t.Errorf("error %q: want it to start %q and mention %q", err, fx.errIn, fx.errHas)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got := tb.ColumnNames(); !slices.Equal(got, fx.columns) {
				t.Errorf("columns:\n got %q\nwant %q", got, fx.columns)
			}
			if fx.rows != nil {
				got := cellTexts(tb)
				if len(got) != len(fx.rows) {
					t.Errorf("%d rows, want %d:\n%q", len(got), len(fx.rows), got)
				}
				for i := range min(len(got), len(fx.rows)) {
					if !slices.Equal(got[i], fx.rows[i]) {
						t.Errorf("row %d:\n got %q\nwant %q", i, got[i], fx.rows[i])
					}
				}
			}
			if fx.check != nil {
				fx.check(t, tb)
			}
		})
	}
}

// Every workbook in testdata/xlsx must be covered above, so a file added
// there cannot be silently ignored.
func TestFixturesCoverEveryWorkbook(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "xlsx", "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d workbooks in testdata/xlsx", len(files))
	}
	covered := map[string]bool{}
	for _, fx := range fixtures {
		covered[fx.file] = true
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no case in fixtures", filepath.Base(f))
		}
	}
}

// xlsxBytes saves f to memory.
func xlsxBytes(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return buf.Bytes()
}

func setRow(t testing.TB, f *excelize.File, sheet string, row int, vals ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
		t.Fatal(err)
	}
}

// A value in column XFD, the last one a sheet has, must be refused
// without building a 16,384-column table; an empty but styled XFD cell on
// every row must not widen the table at all.
func TestXLSXLastColumn(t *testing.T) {
	build := func(t *testing.T, xfd func(f *excelize.File, row int)) []byte {
		f := excelize.NewFile()
		setRow(t, f, "Sheet1", 1, "Name", "Region", "Seats")
		for r := 2; r <= 2001; r++ {
			setRow(t, f, "Sheet1", r, fmt.Sprintf("c%d", r), "North", r)
			xfd(f, r)
		}
		return xlsxBytes(t, f)
	}
	t.Run("value in XFD2", func(t *testing.T) {
		data := build(t, func(f *excelize.File, r int) {
			if r == 2 {
				f.SetCellValue("Sheet1", "XFD2", "far away")
			}
		})
		fsys := fstest.MapFS{"wide.xlsx": {Data: data}}
		_, alloc, err := loadMeasured(t, fsys, table.Spec{Name: "w", File: "wide.xlsx"}, table.DefaultLimits)
		want := "wide.xlsx: Sheet1!XFD2: data beyond column IV; at most 256 columns are read"
		if err == nil || err.Error() != want {
			t.Errorf("error:\n got %v\nwant %s", err, want)
		}
		if alloc > allocBound {
			t.Errorf("Load allocated %d MiB", alloc>>20)
		}
		lim := table.DefaultLimits
		lim.MaxCols = 300
		_, _, err = loadMeasured(t, fsys, table.Spec{Name: "w", File: "wide.xlsx"}, lim)
		want = "wide.xlsx: Sheet1!XFD2: data beyond column KN; at most 300 columns are read"
		if err == nil || err.Error() != want {
			t.Errorf("with 300 columns allowed:\n got %v\nwant %s", err, want)
		}
	})
	t.Run("header in XFD1", func(t *testing.T) {
		f := excelize.NewFile()
		setRow(t, f, "Sheet1", 1, "Name", "Region")
		f.SetCellValue("Sheet1", "XFD1", "Far")
		setRow(t, f, "Sheet1", 2, "a", "b")
		fsys := fstest.MapFS{"wide.xlsx": {Data: xlsxBytes(t, f)}}
		_, _, err := loadMeasured(t, fsys, table.Spec{Name: "w", File: "wide.xlsx"}, table.DefaultLimits)
		want := "wide.xlsx: Sheet1!XFD1: data beyond column IV; at most 256 columns are read"
		if err == nil || err.Error() != want {
			t.Errorf("error:\n got %v\nwant %s", err, want)
		}
	})
	t.Run("empty XFD cell on every row", func(t *testing.T) {
		// As a program writes when it styles whole rows out to the
		// sheet's edge: <c r="XFD2" s="1"/>, a cell with no value.
		data := rezip(t, build(t, func(*excelize.File, int) {}), func(name string, c []byte) ([]byte, uint64) {
			if name != "xl/worksheets/sheet1.xml" {
				return c, 0
			}
			parts := strings.Split(string(c), "</row>")
			for i := range parts[:len(parts)-1] {
				p := parts[i]
				r := p[strings.LastIndex(p, `<row r="`)+len(`<row r="`):]
				r = r[:strings.IndexByte(r, '"')]
				parts[i] += `<c r="XFD` + r + `" s="1"/>`
			}
			return []byte(strings.Join(parts, "</row>")), 0
		})
		if !bytes.Contains(unzipPart(t, data, "xl/worksheets/sheet1.xml"), []byte(`<c r="XFD2001" s="1"/></row>`)) {
			t.Fatal("the edited sheet has no empty XFD2001 cell")
		}
		fsys := fstest.MapFS{"wide.xlsx": {Data: data}}
		tb, alloc, err := loadMeasured(t, fsys, table.Spec{Name: "w", File: "wide.xlsx"}, table.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Columns) != 3 || len(tb.Rows) != 2000 {
			t.Errorf("table is %d columns x %d rows, want 3 x 2000", len(tb.Columns), len(tb.Rows))
		}
		for _, row := range tb.Rows {
			if len(row) != 3 {
				t.Fatalf("a row has %d values", len(row))
			}
		}
		if got := cellTexts(tb)[1999]; !slices.Equal(got, []string{"A2001=c2001", "B2001=North", "C2001=2001"}) {
			t.Errorf("last row %q", got)
		}
		// 2000 rows of 16,384 values would be 1 GiB.
		if alloc > allocBound {
			t.Errorf("Load allocated %d MiB", alloc>>20)
		}
	})
}

func unzipPart(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s in the package", name)
	return nil
}

// rezip copies a package, letting edit replace the content of any part.
// When edit returns lie > 0, the part's header claims lie bytes instead of
// its real uncompressed size, as a zip bomb's does.
func rezip(t testing.TB, data []byte, edit func(name string, content []byte) (out []byte, lie uint64)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		content, lie := edit(zf.Name, content)
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		fw.Write(content)
		fw.Close()
		size := uint64(len(content))
		if lie > 0 {
			size = lie
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: zf.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: size,
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func smallWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	setRow(t, f, "Sheet1", 1, "Name", "Seats")
	setRow(t, f, "Sheet1", 2, "Acme", 10)
	setRow(t, f, "Sheet1", 3, "Globex", 20)
	return xlsxBytes(t, f)
}

// padSheet puts n bytes of blank space inside the sheet's XML, which
// keeps it valid and compresses to almost nothing.
func padSheet(content []byte, n int) []byte {
	return bytes.Replace(content, []byte("<sheetData>"), append([]byte("<sheetData>"), bytes.Repeat([]byte(" "), n)...), 1)
}

func TestXLSXZipLimits(t *testing.T) {
	const sheet = "xl/worksheets/sheet1.xml"
	t.Run("the control loads", func(t *testing.T) {
		data := rezip(t, smallWorkbook(t), func(name string, c []byte) ([]byte, uint64) { return c, 0 })
		tb, err := table.Load(fstest.MapFS{"ok.xlsx": {Data: data}}, table.Spec{Name: "t", File: "ok.xlsx"}, table.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if got := cellTexts(tb); len(got) != 2 || got[1][0] != "A3=Globex" || got[1][1] != "B3=20" {
			t.Errorf("rows %q", got)
		}
	})
	t.Run("honest but over MaxUnzipped", func(t *testing.T) {
		data := rezip(t, smallWorkbook(t), func(name string, c []byte) ([]byte, uint64) {
			if name == sheet {
				return padSheet(c, 4<<20), 0
			}
			return c, 0
		})
		if len(data) > 64<<10 {
			t.Fatalf("test workbook is %d bytes; meant to be small on disk", len(data))
		}
		lim := table.DefaultLimits
		lim.MaxUnzipped = 1 << 20
		_, alloc, err := loadMeasured(t, fstest.MapFS{"big.xlsx": {Data: data}}, table.Spec{Name: "t", File: "big.xlsx"}, lim)
		t.Logf("allocated %d KiB; error: %v", alloc>>10, err)
		if err == nil || !strings.HasPrefix(err.Error(), "big.xlsx: not a readable workbook: ") || !strings.Contains(err.Error(), "1048576") {
			t.Errorf("error %v: want a refusal naming big.xlsx and the 1048576-byte limit", err)
		}
		if alloc > 8<<20 {
			t.Errorf("Load allocated %d MiB before refusing", alloc>>20)
		}
	})
	t.Run("lying sizes in the zip", func(t *testing.T) {
		// The sheet claims 2 KiB but inflates to 256 MiB.
		data := rezip(t, smallWorkbook(t), func(name string, c []byte) ([]byte, uint64) {
			if name == sheet {
				return padSheet(c, 256<<20), 2048
			}
			return c, 0
		})
		if len(data) > 2<<20 {
			t.Fatalf("test workbook is %d bytes; meant to be small on disk", len(data))
		}
		_, alloc, err := loadMeasured(t, fstest.MapFS{"bomb.xlsx": {Data: data}}, table.Spec{Name: "t", File: "bomb.xlsx"}, table.DefaultLimits)
		t.Logf("allocated %d KiB; error: %v", alloc>>10, err)
		if err == nil || !strings.HasPrefix(err.Error(), "bomb.xlsx: ") {
			t.Errorf("error %v: want a refusal naming bomb.xlsx", err)
		}
		if alloc > allocBound {
			t.Errorf("Load allocated %d MiB before refusing", alloc>>20)
		}
	})
	t.Run("file over MaxFileBytes", func(t *testing.T) {
		data := smallWorkbook(t)
		lim := table.DefaultLimits
		lim.MaxFileBytes = 1000
		_, err := table.Load(fstest.MapFS{"x.xlsx": {Data: data}}, table.Spec{Name: "t", File: "x.xlsx"}, lim)
		want := fmt.Sprintf("x.xlsx: file is %d bytes, over the limit of 1000", len(data))
		if err == nil || err.Error() != want {
			t.Errorf("error:\n got %v\nwant %s", err, want)
		}
	})
	t.Run("not a zip at all", func(t *testing.T) {
		_, err := table.Load(fstest.MapFS{"x.xlsx": {Data: []byte("Name,Seats\nAcme,10\n")}}, table.Spec{Name: "t", File: "x.xlsx"}, table.DefaultLimits)
		if err == nil || !strings.HasPrefix(err.Error(), "x.xlsx: not a readable workbook: ") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("large shared strings with a DTD", func(t *testing.T) {
		// Over 16 MiB, excelize keeps the shared strings in a temporary
		// file and reads them without complaint, returning "" for every
		// string from the first entity on; the refusal must not depend
		// on where excelize keeps the part.
		data := rezip(t, smallWorkbook(t), func(name string, c []byte) ([]byte, uint64) {
			if name == "xl/sharedStrings.xml" {
				s := string(c)
				i := strings.Index(s, "<sst")
				s = s[:i] + `<!DOCTYPE sst [<!ENTITY co " Inc.">]>` + strings.Repeat(" ", 17<<20) + s[i:]
				return []byte(strings.Replace(s, "<t>Acme</t>", "<t>Acme&co;</t>", 1)), 0
			}
			return c, 0
		})
		_, err := table.Load(fstest.MapFS{"dtd.xlsx": {Data: data}}, table.Spec{Name: "t", File: "dtd.xlsx"}, table.DefaultLimits)
		want := "dtd.xlsx: refusing workbook: its shared strings declare a DTD or entities, which spreadsheet programs never write"
		if err == nil || err.Error() != want {
			t.Errorf("error:\n got %v\nwant %s", err, want)
		}
	})
}

// A worksheet whose XML breaks off or is malformed part-way must be
// refused: excelize's row iterator simply stops there, which would make a
// damaged sheet look like a shorter, whole one.
func TestXLSXMalformedSheet(t *testing.T) {
	f := excelize.NewFile()
	setRow(t, f, "Sheet1", 1, "Name", "Seats")
	for r := 2; r <= 10; r++ {
		setRow(t, f, "Sheet1", r, fmt.Sprintf("c%d", r), r*10)
	}
	good := xlsxBytes(t, f)
	cases := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"cut after a row", func(s string) string { return s[:strings.Index(s, `<row r="6"`)] },
			"x.xlsx: Sheet1: malformed worksheet XML: unexpected end of file inside <sheetData>"},
		{"cut inside a tag", func(s string) string { return s[:strings.Index(s, `<row r="6"`)+7] },
			"x.xlsx: Sheet1: malformed worksheet XML: XML syntax error on line 2: unexpected EOF"},
		{"undeclared entity", func(s string) string { return strings.Replace(s, "<v>50</v>", "<v>50&x;</v>", 1) },
			"x.xlsx: Sheet1: malformed worksheet XML: XML syntax error on line 2: invalid character entity &x;"},
		{"mismatched end tag", func(s string) string { return strings.Replace(s, `</row><row r="7"`, `</c><row r="7"`, 1) },
			"x.xlsx: Sheet1: malformed worksheet XML: unexpected </c> on line 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := rezip(t, good, func(name string, c []byte) ([]byte, uint64) {
				if name == "xl/worksheets/sheet1.xml" {
					edited := tc.edit(string(c))
					if edited == string(c) {
						t.Fatal("the edit changed nothing")
					}
					return []byte(edited), 0
				}
				return c, 0
			})
			tb, err := table.Load(fstest.MapFS{"x.xlsx": {Data: data}}, table.Spec{Name: "t", File: "x.xlsx"}, table.DefaultLimits)
			if err == nil {
				t.Fatalf("loaded %d rows from a damaged sheet", len(tb.Rows))
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}
