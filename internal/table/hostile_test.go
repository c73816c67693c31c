package table_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// withSheet returns smallWorkbook's package with the XML of its sheet
// written by sheet. The part is streamed into the zip, so a sheet of
// hundreds of megabytes never sits in the test's memory either.
func withSheet(t testing.TB, sheet func(w io.Writer)) []byte {
	t.Helper()
	base := smallWorkbook(t)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, zf := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			sheet(w)
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Seats</t></is></c></row>`
)

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, (64<<10)/len(s)))
	per := len(chunk) / len(s)
	for ; n >= per; n -= per {
		io.WriteString(w, chunk)
	}
	io.WriteString(w, strings.Repeat(s, n))
}

// hostile loads data as h.xlsx and checks the whole error text and that
// the load allocated at most bound bytes in all (total, not live), which
// bounds its work: reading the whole part would allocate far more.
func hostile(t *testing.T, data []byte, want string, bound uint64) {
	t.Helper()
	t.Logf("workbook: %d bytes", len(data))
	_, alloc, err := loadMeasured(t, fstest.MapFS{"h.xlsx": {Data: data}}, table.Spec{Name: "h", File: "h.xlsx"}, table.DefaultLimits)
	t.Logf("allocated %d KiB", alloc>>10)
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	if alloc > bound {
		t.Errorf("Load allocated %d MiB, over the %d MiB bound", alloc>>20, bound>>20)
	}
}

// One row of 20,000,000 empty cells (80 MB of XML, 83 KB zipped) is
// refused once the row holds more cells than a sheet can have.
func TestXLSXRowOfManyCells(t *testing.T) {
	data := withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+headerRow+`<row r="2">`)
		repeat(w, `<c/>`, 20_000_000)
		io.WriteString(w, `</row>`+sheetTail)
	})
	hostile(t, data, "h.xlsx: Sheet1!row 2: more than 16384 cells in one row, the most a sheet can have", 16<<20)

	// The same with every cell naming the same column, so that the column
	// never passes XFD: the count of cells still stops it.
	data = withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+headerRow+`<row r="2">`)
		repeat(w, `<c r="A2"/>`, 10_000_000)
		io.WriteString(w, `</row>`+sheetTail)
	})
	hostile(t, data, "h.xlsx: Sheet1!row 2: more than 16384 cells in one row, the most a sheet can have", 16<<20)
}

// A 150 MB inline string (158 KB zipped) is refused while it streams in:
// the decoder never holds more than the run limit of it.
func TestXLSXHugeInlineString(t *testing.T) {
	data := withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="B2" t="inlineStr"><is><t>`)
		repeat(w, "a", 150_000_000)
		io.WriteString(w, `</t></is></c></row>`+sheetTail)
	})
	// The decoder hands over the first MaxTextRun bytes of the run and
	// then fails; those bytes are already over the cell limit.
	hostile(t, data, "h.xlsx: Sheet1!B2: cell holds more than 32768 bytes, the limit for one cell", 16<<20)

	// Under the run limit but over the cell limit: the cell check, at the
	// cell, before the text is kept.
	data = withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
		repeat(w, "a", 40_000)
		io.WriteString(w, `</t></is></c></row>`+sheetTail)
	})
	hostile(t, data, "h.xlsx: Sheet1!A2: cell holds more than 32768 bytes, the limit for one cell", 4<<20)
}

// 190 MB of white space in the sheet XML (195 KB zipped) is refused at
// the run limit, not read.
func TestXLSXHugeWhitespace(t *testing.T) {
	data := withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+"\n")
		repeat(w, " ", 190_000_000)
		io.WriteString(w, headerRow+sheetTail)
	})
	hostile(t, data, "h.xlsx: Sheet1: more than 1048576 bytes of XML in one piece (a text run, tag or comment), the limit per run (line 2 of the sheet's XML)", 16<<20)
}

// A cell that points past the end of the shared strings is an error at
// the cell, not an empty cell.
func TestXLSXSharedStringOutOfRange(t *testing.T) {
	data := rezip(t, smallWorkbook(t), func(name string, c []byte) ([]byte, uint64) {
		if name != "xl/worksheets/sheet1.xml" {
			return c, 0
		}
		s := string(c)
		i := strings.Index(s, `<c r="A3"`)
		j := i + strings.Index(s[i:], "</c>") + len("</c>")
		if i < 0 || !strings.Contains(s[i:j], `t="s"`) {
			t.Fatalf("A3 is not a shared string: %s", s)
		}
		return []byte(s[:i] + `<c r="A3" t="s"><v>999</v></c>` + s[j:]), 0
	})
	_, err := table.Load(fstest.MapFS{"x.xlsx": {Data: data}}, table.Spec{Name: "t", File: "x.xlsx"}, table.DefaultLimits)
	wantErr(t, err, `x.xlsx: Sheet1!A3: cell refers to shared string "999", but the workbook has 4 (0 to 3)`)
}

// Encodings: UTF-8 is checked, legacy exports are read when declared.
func TestTextEncodings(t *testing.T) {
	latin1 := "city,people\nBern,134000\nZ\xfcrich,421000\n"
	_, err := load(t, "data/c.csv", latin1, table.Spec{Name: "cities"}, table.DefaultLimits)
	wantErr(t, err, `data/c.csv:3:2: text is not valid UTF-8 (byte 0xFC); if the file was saved as Latin-1 or Windows-1252, set encoding = "windows-1252" for table "cities" in site.toml`)

	for _, enc := range []string{"latin1", "windows-1252"} {
		tb, err := load(t, "data/c.csv", latin1, table.Spec{Name: "cities", Encoding: enc}, table.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if got := tb.Rows[1][0].S; got != "Zürich" {
			t.Errorf("%s: %q, want Zürich", enc, got)
		}
	}
	// 0x80 is the euro sign in Windows-1252, a control character in Latin-1.
	tb, err := load(t, "p.csv", "item,price\ncoffee,\x803\n", table.Spec{Encoding: "windows-1252", Columns: map[string]table.Kind{"price": table.Text}}, table.DefaultLimits)
	if err != nil || tb.Rows[0][1].S != "€3" {
		t.Errorf("windows-1252 0x80: %v %q", err, tb.Rows[0][1].S)
	}

	// UTF-16, little-endian with a byte-order mark, as Excel's "Unicode
	// text" saves it, and big-endian.
	utf16 := func(s string, big bool) string {
		var b []byte
		if big {
			b = append(b, 0xFE, 0xFF)
		} else {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s {
			if big {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		return string(b)
	}
	for _, big := range []bool{false, true} {
		tb, err := load(t, "u.csv", utf16("city\nZürich\n", big), table.Spec{Encoding: "utf-16"}, table.DefaultLimits)
		if err != nil || len(tb.Rows) != 1 || tb.Rows[0][0].S != "Zürich" {
			t.Errorf("utf-16 (big-endian %v): %v", big, err)
		}
	}
	_, err = load(t, "u.csv", utf16("city\nZ", false)+"\x00\xd8"+utf16("rich\n", false)[2:], table.Spec{Encoding: "utf-16"}, table.DefaultLimits)
	wantErr(t, err, "u.csv:2:2: not UTF-16: unpaired surrogate 0xD800")

	// TOML data: the same check, the same remedy.
	_, err = load(t, "q.toml", "[[city]]\nname = \"Z\xfcrich\"\n", table.Spec{Name: "city"}, table.DefaultLimits)
	wantErr(t, err, `q.toml:2:10: text is not valid UTF-8 (byte 0xFC); if the file was saved as Latin-1 or Windows-1252, set encoding = "windows-1252" for table "city" in site.toml`)
	tb, err = load(t, "q.toml", "[[city]]\nname = \"Z\xfcrich\"\n", table.Spec{Name: "city", Encoding: "latin1"}, table.DefaultLimits)
	if err != nil || tb.Rows[0][0].S != "Zürich" {
		t.Errorf("latin1 TOML: %v", err)
	}

	// A workbook says its own encoding.
	_, err = table.Load(fstest.MapFS{"w.xlsx": {Data: smallWorkbook(t)}}, table.Spec{Name: "w", File: "w.xlsx", Encoding: "latin1"}, table.DefaultLimits)
	wantErr(t, err, `table "w": encoding applies to CSV and TOML files; a xlsx file declares its own`)
}

// Every kind of source says what it is and fingerprints its content: the
// same bytes give the same fingerprint whatever the file's time, other
// bytes of the same length another.
func TestSourceFingerprints(t *testing.T) {
	for _, file := range []string{"data/t.csv", "data/t.toml", "data/t.xlsx"} {
		content := map[string][2][]byte{
			"data/t.csv":  {[]byte("name\nAcme\n"), []byte("name\nAcne\n")},
			"data/t.toml": {[]byte("[[t]]\nname = \"Acme\"\n"), []byte("[[t]]\nname = \"Acne\"\n")},
			"data/t.xlsx": {smallWorkbook(t), oneCellWorkbook(t, "Acne")},
		}[file]
		src, err := table.Open(table.Spec{Name: "t", File: file})
		if err != nil {
			t.Fatal(err)
		}
		kind := strings.ToUpper(file[strings.LastIndexByte(file, '.')+1:])
		if kind == "XLSX" {
			kind = "xlsx"
		}
		if got, want := src.Describe(), kind+" file "+file; got != want {
			t.Errorf("Describe() = %q, want %q", got, want)
		}
		fp := func(b []byte) string {
			t.Helper()
			s, err := src.Fingerprint(fstest.MapFS{file: {Data: b}}, table.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		a, b := fp(content[0]), fp(content[1])
		if a == b || a != fp(bytes.Clone(content[0])) {
			t.Errorf("%s: fingerprints %s / %s: want equal for equal bytes, different otherwise", file, a[:8], b[:8])
		}
		if _, err := src.Load(fstest.MapFS{file: {Data: content[0]}}, table.DefaultLimits); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	_, err := table.Open(table.Spec{Name: "t", File: "t.json"})
	wantErr(t, err, `table "t": t.json: unsupported file type (want .xlsx, .csv, .toml or .parquet)`)
}

func oneCellWorkbook(t testing.TB, name string) []byte {
	f := excelize.NewFile()
	setRow(t, f, "Sheet1", 1, "Name", "Seats")
	setRow(t, f, "Sheet1", 2, name, 10)
	setRow(t, f, "Sheet1", 3, "Globex", 20)
	return xlsxBytes(t, f)
}

// Row numbers that go back are refused, not read out of order.
func TestXLSXRowsOutOfOrder(t *testing.T) {
	data := withSheet(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+headerRow+`<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`+sheetTail)
	})
	_, err := table.Load(fstest.MapFS{"x.xlsx": {Data: data}}, table.Spec{Name: "t", File: "x.xlsx"}, table.DefaultLimits)
	wantErr(t, err, "x.xlsx: Sheet1: malformed worksheet: row 2 comes after row 3")
}

// FuzzXLSXSheet feeds arbitrary sheet XML to the streaming reader: it must
// return a table or a *diag.Error, never panic, and a table's rows must
// all be as wide as its header. go test runs the seeds; fuzz longer with
//
//	go test ./internal/table -run '^$' -fuzz FuzzXLSXSheet -fuzztime 60s
func FuzzXLSXSheet(f *testing.F) {
	for _, seed := range []string{
		sheetHead + headerRow + `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>10</v></c></row>` + sheetTail,
		sheetHead + headerRow + `<row><c/><c t="inlineStr"><is><r><t>a_x000D_b</t></r><rPh><t>x</t></rPh></is></c></row>` + sheetTail,
		sheetHead + headerRow + `<row r="2"><c r="A2" t="e"><v>#N/A</v></c></row>` + sheetTail + `<mergeCells><mergeCell ref="A1:B3"/></mergeCells>`,
		sheetHead + headerRow + `<row r="0"><c r="A0"><v>1</v></c></row>` + sheetTail,
		sheetHead + headerRow + `<row r="2"><c r="B2" t="s"><v>999</v></c></row>` + sheetTail,
		sheetHead + `<!DOCTYPE x [<!ENTITY e "x">]>` + headerRow + sheetTail,
	} {
		f.Add([]byte(seed))
	}
	withSheet := storedWithSheet(f, smallWorkbook(f))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		data := withSheet(t, sheet)
		tb, err := table.Load(fstest.MapFS{"f.xlsx": {Data: data}}, table.Spec{Name: "f", File: "f.xlsx"}, table.DefaultLimits)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		for i, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Fatalf("row %d has %d values for %d columns", i, len(row), len(tb.Columns))
			}
		}
	})
}

// storedWithSheet reads base's parts once and returns a function that
// packs them again around another sheet XML, uncompressed: deflating
// every part for every input (as rezip does) cost 23 ms and 12 MB per
// input, forty times the load itself, and held the fuzzer to ~40 inputs
// a second.
func storedWithSheet(tb testing.TB, base []byte) func(t *testing.T, sheet []byte) []byte {
	type part struct {
		name string
		data []byte
	}
	var parts []part
	rezip(tb, base, func(name string, c []byte) ([]byte, uint64) {
		parts = append(parts, part{name, c})
		return c, 0
	})
	return func(t *testing.T, sheet []byte) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range parts {
			data := p.data
			if p.name == "xl/worksheets/sheet1.xml" {
				data = sheet
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
}
