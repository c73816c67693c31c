package table_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// load reads one file from an in-memory site.
func load(t *testing.T, file, content string, spec table.Spec, lim table.Limits) (*table.Table, error) {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "t"
	}
	spec.File = file
	return table.Load(fstest.MapFS{file: {Data: []byte(content)}}, spec, lim)
}

func mustLoad(t *testing.T, file, content string, spec table.Spec) *table.Table {
	t.Helper()
	tb, err := load(t, file, content, spec, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// wantErr checks that err is a *diag.Error that prints exactly as want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", want)
	}
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Errorf("error is %T, want *diag.Error", err)
	}
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

func cols(kinds ...any) map[string]table.Kind {
	m := map[string]table.Kind{}
	for i := 0; i < len(kinds); i += 2 {
		m[kinds[i].(string)] = kinds[i+1].(table.Kind)
	}
	return m
}

// text is a value as a test expects it: numbers in plain decimal (Format
// would write 1350000.5 as 1.3500005e+06), everything else canonical.
func text(k table.Kind, v table.Value) string {
	if k.IsNumeric() && !v.Null {
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	}
	return table.Format(k, v)
}

// rowsOf formats a table as its canonical texts, with positions.
func rowsOf(tb *table.Table) [][]string {
	var out [][]string
	for r, row := range tb.Rows {
		var line []string
		for c, v := range row {
			s := text(tb.Columns[c].Kind, v)
			if v.Null {
				s = "<null>"
			}
			line = append(line, s+" @"+tb.Pos(r, c).String())
		}
		out = append(out, line)
	}
	return out
}

func sameRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d:\n%q", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

// ---- CSV ----

func TestCSVByteOrderMarkAndQuotedHeader(t *testing.T) {
	// Excel's "CSV UTF-8" starts with a BOM; a quoted first field must
	// still parse, and columns must count from the first real byte.
	src := "\ufeff\"Customer\",\"Monthly spend (USD)\"\nAcme,\"1,200\"\n"
	tb := mustLoad(t, "data/c.csv", src, table.Spec{Columns: cols("monthly_spend_usd", table.Money)})
	if got := tb.ColumnNames(); !slices.Equal(got, []string{"customer", "monthly_spend_usd"}) {
		t.Errorf("columns %q", got)
	}
	sameRows(t, rowsOf(tb), [][]string{{"Acme @data/c.csv:2:1", "1200 @data/c.csv:2:6"}})
	_, err := load(t, "c.csv", "\ufeffname,Name\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, `c.csv:1:6: duplicate column "name" in the header`)
}

func TestCSVQuotedFieldsAndPositions(t *testing.T) {
	src := "Customer,Notes,Seats\n" +
		"\"Acme, Inc.\",\"first line\nsecond line\",12\n" + // lines 2-3
		"Globex,\"said \"\"hi\"\"\",7\n" + // line 4
		"Initech,,\n" // line 5
	tb := mustLoad(t, "q.csv", src, table.Spec{Columns: cols("seats", table.Number)})
	sameRows(t, rowsOf(tb), [][]string{
		{"Acme, Inc. @q.csv:2:1", "first line\nsecond line @q.csv:2:14", "12 @q.csv:3:14"},
		{"Globex @q.csv:4:1", `said "hi" @q.csv:4:8`, "7 @q.csv:4:22"},
		{"Initech @q.csv:5:1", "<null> @q.csv:5:9", "<null> @q.csv:5:10"},
	})
	// The same positions in an error: the bad value on line 5 after a
	// record that spans lines 2-3.
	_, err := load(t, "q.csv", src+"Umbrella,\"x\ny\",lots\n", table.Spec{Columns: cols("seats", table.Number)}, table.DefaultLimits)
	wantErr(t, err, `q.csv:7:4: "lots" is not a number (column "seats" is number)`)
}

func TestCSVRaggedRows(t *testing.T) {
	src := "a,b,c\n1\n1,2\n1,2,3,,\n"
	tb := mustLoad(t, "r.csv", src, table.Spec{Columns: cols("b", table.Number, "c", table.Number)})
	got := rowsOf(tb)
	want := [][]string{{"1", "<null>", "<null>"}, {"1", "2", "<null>"}, {"1", "2", "3"}}
	if len(got) != len(want) {
		t.Fatalf("rows %q", got)
	}
	for i := range want {
		for j := range want[i] {
			if v, _, _ := strings.Cut(got[i][j], " @"); v != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, v, want[i][j])
			}
		}
	}
	// An extra field with something in it is refused where it starts.
	_, err := load(t, "r.csv", "a,b,c\n1,2,3\n10,20,30,oops\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, "r.csv:3:10: row has 4 fields but the header names only 3 columns")
}

func TestCSVBadNumber(t *testing.T) {
	src := "Customer,Region,Monthly spend (USD)\n" +
		"Acme,NA,\"$1,200\"\n" +
		"Globex,EU,950.50\n" +
		"Initech,EU,20M\n"
	_, err := load(t, "data/customers.csv", src, table.Spec{Columns: cols("monthly_spend_usd", table.Money)}, table.DefaultLimits)
	wantErr(t, err, `data/customers.csv:4:12: "20M" is not a number (column "monthly_spend_usd" is money)`)
}

func TestCSVSyntaxErrors(t *testing.T) {
	_, err := load(t, "s.csv", "a,b\n1,x\"y\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, `s.csv:2:4: bare " in non-quoted-field`)
	_, err = load(t, "s.csv", "a,b\n1,\"x\"y\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, `s.csv:2:5: extraneous or missing " in quoted-field`)
}

func TestCSVHeaderRow(t *testing.T) {
	src := "Quarterly export\ngenerated 2024-07-01, do not edit\nName,Seats\nAcme,3\n"
	tb := mustLoad(t, "h.csv", src, table.Spec{HeaderRow: 3, Columns: cols("seats", table.Number)})
	sameRows(t, rowsOf(tb), [][]string{{"Acme @h.csv:4:1", "3 @h.csv:4:6"}})
}

func TestCSVEmptyAndHeaderless(t *testing.T) {
	for _, src := range []string{"", "\n\n\n", "\ufeff"} {
		_, err := load(t, "e.csv", src, table.Spec{}, table.DefaultLimits)
		wantErr(t, err, "e.csv:1:1: file is empty (expected a header line)")
	}
	_, err := load(t, "e.csv", ",,\n1,2,3\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, "e.csv:1:1: no header row found (expected column names in row 1)")
	// A header alone is an empty table, not an error.
	tb := mustLoad(t, "e.csv", "a,b\n", table.Spec{})
	if len(tb.Rows) != 0 || len(tb.Columns) != 2 {
		t.Errorf("%d rows x %d columns", len(tb.Rows), len(tb.Columns))
	}
}

func TestDeclaredColumnMissing(t *testing.T) {
	src := "Name,Region\nAcme,NA\n"
	spec := table.Spec{
		Columns: cols("spend", table.Money, "region", table.Text),
		Where:   diag.Pos{File: "site.toml", Line: 12, Col: 1},
	}
	_, err := load(t, "data/q.csv", src, spec, table.DefaultLimits)
	wantErr(t, err, `site.toml:12:1: table "t": column "spend" is not in the header of data/q.csv (columns: name, region)`)
	spec.ColumnPos = func(name string) diag.Pos { return diag.Pos{File: "site.toml", Line: 15, Col: 3} }
	_, err = load(t, "data/q.csv", src, spec, table.DefaultLimits)
	wantErr(t, err, `site.toml:15:3: table "t": column "spend" is not in the header of data/q.csv (columns: name, region)`)
}

func TestDuplicateHeader(t *testing.T) {
	_, err := load(t, "d.csv", "Region,Spend (USD),spend_usd\n", table.Spec{}, table.DefaultLimits)
	wantErr(t, err, `d.csv:1:20: duplicate column "spend_usd" in the header`)
}

func TestCSVLimits(t *testing.T) {
	lim := table.DefaultLimits
	lim.MaxRows = 2
	src := "a\n1\n2\n"
	if tb, err := load(t, "l.csv", src, table.Spec{}, lim); err != nil || len(tb.Rows) != 2 {
		t.Fatalf("exactly MaxRows rows: %v", err)
	}
	// Blank lines are not rows.
	if _, err := load(t, "l.csv", src+"\n\n", table.Spec{}, lim); err != nil {
		t.Fatalf("trailing blank lines: %v", err)
	}
	_, err := load(t, "l.csv", src+"3\n", table.Spec{}, lim)
	wantErr(t, err, "l.csv:4:1: more than 2 data rows; split the file or raise the limit")

	lim = table.DefaultLimits
	lim.MaxCellBytes = 8
	_, err = load(t, "l.csv", "a,b\nok,123456789\n", table.Spec{}, lim)
	wantErr(t, err, "l.csv:2:4: cell holds more than 8 bytes, the limit for one cell")

	lim = table.DefaultLimits
	lim.MaxCols = 3
	_, err = load(t, "l.csv", "a,b,c,d\n", table.Spec{}, lim)
	wantErr(t, err, "l.csv:1:7: more than 3 fields")

	lim = table.DefaultLimits
	lim.MaxFileBytes = 10
	_, err = load(t, "l.csv", "name\nAcme Corp\n", table.Spec{}, lim)
	wantErr(t, err, "l.csv: file is 15 bytes, over the limit of 10")
}

func TestLoadFileErrors(t *testing.T) {
	where := diag.Pos{File: "site.toml", Line: 3, Col: 1}
	_, err := table.Load(fstest.MapFS{}, table.Spec{Name: "spend", File: "data/missing.csv", Where: where}, table.DefaultLimits)
	wantErr(t, err, `site.toml:3:1: table "spend": cannot read data/missing.csv: file does not exist`)
	_, err = table.Load(fstest.MapFS{"data/x.json": {Data: []byte("{}")}}, table.Spec{Name: "spend", File: "data/x.json", Where: where}, table.DefaultLimits)
	wantErr(t, err, `site.toml:3:1: table "spend": data/x.json: unsupported file type (want .xlsx, .csv, .toml or .parquet)`)
}

// ---- TOML ----

const quartersTOML = `# quarterly figures
[[quarter]]
name = "Q1"
period = "2024-Q1"
revenue = 1200000
margin = 0.25
start = 2024-01-01
audited = true

[[quarter]]
name = "Q2"
period = "Q2 2024"
revenue = 1_350_000.5
start = 2024-04-01T09:00:00-05:00
note = "late"
`

func TestTOMLValueTypes(t *testing.T) {
	spec := table.Spec{Name: "quarter", Columns: cols(
		"period", table.Quarter, "revenue", table.Money, "margin", table.Percent, "start", table.Date)}
	tb := mustLoad(t, "data/q.toml", quartersTOML, spec)
	if got := tb.ColumnNames(); !slices.Equal(got, []string{"name", "period", "revenue", "margin", "start", "audited", "note"}) {
		t.Errorf("columns %q (want the order of first appearance)", got)
	}
	sameRows(t, rowsOf(tb), [][]string{
		{"Q1 @data/q.toml:3:8", "2024-Q1 @data/q.toml:4:10", "1200000 @data/q.toml:5:11", "0.25 @data/q.toml:6:10",
			"2024-01-01 @data/q.toml:7:9", "true @data/q.toml:8:11", "<null> @data/q.toml:2:1"},
		{"Q2 @data/q.toml:11:8", "2024-Q2 @data/q.toml:12:10", "1350000.5 @data/q.toml:13:11", "<null> @data/q.toml:10:1",
			"2024-04-01 @data/q.toml:14:9", "<null> @data/q.toml:10:1", "late @data/q.toml:15:8"},
	})
}

func TestTOMLBadValue(t *testing.T) {
	src := strings.Replace(quartersTOML, "revenue = 1_350_000.5", `revenue = "lots"`, 1)
	spec := table.Spec{Name: "quarter", Columns: cols("revenue", table.Money)}
	_, err := load(t, "data/q.toml", src, spec, table.DefaultLimits)
	wantErr(t, err, `data/q.toml:13:11: "lots" is not a number (column "revenue" is money)`)

	src = strings.Replace(quartersTOML, `period = "Q2 2024"`, `period = "2024-Q5"`, 1)
	spec = table.Spec{Name: "quarter", Columns: cols("period", table.Quarter)}
	_, err = load(t, "data/q.toml", src, spec, table.DefaultLimits)
	wantErr(t, err, `data/q.toml:12:10: "2024-Q5" is not a quarter (2024-Q2 or Q2 2024) (column "period" is quarter)`)

	// An indented key: the column is that of the value.
	_, err = load(t, "i.toml", "[[quarter]]\n    revenue   =   \"n/a\"\n", spec2("quarter", "revenue", table.Number), table.DefaultLimits)
	wantErr(t, err, `i.toml:2:19: "n/a" is not a number (column "revenue" is number)`)

	// Values that are not scalars.
	_, err = load(t, "a.toml", "[[quarter]]\nname = \"Q1\"\ntags = [\"a\", \"b\"]\n", table.Spec{Name: "quarter"}, table.DefaultLimits)
	if err == nil || !strings.HasPrefix(err.Error(), "a.toml:3:8: tags: expected a string, number or date") {
		t.Errorf("error %v", err)
	}
}

func spec2(name, col string, k table.Kind) table.Spec {
	return table.Spec{Name: name, Columns: cols(col, k)}
}

func TestTOMLStructure(t *testing.T) {
	where := diag.Pos{File: "site.toml", Line: 20, Col: 1}
	_, err := load(t, "q.toml", quartersTOML, table.Spec{Name: "quarters", Where: where}, table.DefaultLimits)
	wantErr(t, err, `site.toml:20:1: table "quarters": q.toml has no array of tables [[quarters]]`)
	tb, err := load(t, "q.toml", quartersTOML, table.Spec{Name: "quarters", Key: "quarter"}, table.DefaultLimits)
	if err != nil || len(tb.Rows) != 2 || tb.Name != "quarters" {
		t.Errorf("with key = quarter: %v", err)
	}
	// [[quarter]] entries with no keys at all used to panic.
	_, err = load(t, "e.toml", "[[quarter]]\n[[quarter]]\n", table.Spec{Name: "quarter"}, table.DefaultLimits)
	wantErr(t, err, `e.toml:1:1: table "quarter": the [[quarter]] entries in e.toml set no keys`)
	// Syntax errors carry the parser's position.
	_, err = load(t, "s.toml", "[[quarter]]\nname = \"Q1\nrevenue = 5\n", table.Spec{Name: "quarter"}, table.DefaultLimits)
	if err == nil || !strings.HasPrefix(err.Error(), "s.toml:2:") {
		t.Errorf("syntax error %v: want it at s.toml:2", err)
	}
}

func TestTOMLLimits(t *testing.T) {
	lim := table.DefaultLimits
	lim.MaxRows = 1
	_, err := load(t, "q.toml", quartersTOML, table.Spec{Name: "quarter"}, lim)
	wantErr(t, err, "q.toml: more than 1 rows")
	lim = table.DefaultLimits
	lim.MaxCellBytes = 3
	_, err = load(t, "q.toml", quartersTOML, table.Spec{Name: "quarter"}, lim)
	wantErr(t, err, "q.toml:4:10: cell holds more than 3 bytes, the limit for one cell")

	// Nesting that would make the TOML decoder recurse without bound is
	// refused before it runs, at the bracket that goes too deep.
	deep := "[[quarter]]\nname = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"
	_, err = load(t, "d.toml", deep, table.Spec{Name: "quarter"}, table.DefaultLimits)
	if err == nil || !strings.HasPrefix(err.Error(), "d.toml:2:") || !strings.Contains(err.Error(), "32 levels") {
		t.Errorf("deep TOML: %v (want a refusal at d.toml:2 naming the limit)", err)
	}
}

// ---- typed values ----

// TestParseKinds puts each text in a one-column CSV of the given kind and
// checks the canonical value or the error a user sees.
func TestParseKinds(t *testing.T) {
	cases := []struct {
		kind table.Kind
		in   string
		want string // canonical text, or the message after "v.csv:2:1: "
	}{
		{table.Text, "Acme, Inc.", "Acme, Inc."},
		{table.Text, "Zürich", "Zürich"},
		{table.Text, "20M", "20M"},

		{table.Number, "1234.5", "1234.5"},
		{table.Number, "1,234", "1234"},
		{table.Number, "1,234,567.89", "1234567.89"},
		{table.Number, "-3", "-3"},
		{table.Number, " 42 ", "42"},
		{table.Number, "1e6", "1000000"},
		{table.Number, "12,34", `"12,34" is not a number (column "v" is number)`},
		{table.Number, "1,2345", `"1,2345" is not a number (column "v" is number)`},
		{table.Number, ",123", `",123" is not a number (column "v" is number)`},
		{table.Number, "$5", `"$5" is not a number (column "v" is number)`},
		{table.Number, "NaN", `"NaN" is not a number (column "v" is number)`},
		{table.Number, "Inf", `"Inf" is not a number (column "v" is number)`},
		{table.Number, "n/a", `"n/a" is not a number (column "v" is number)`},

		{table.Money, "$1,234.50", "1234.5"},
		{table.Money, "1,234", "1234"},
		{table.Money, "€5", "5"},
		{table.Money, "£1,000", "1000"},
		{table.Money, "¥300", "300"},
		{table.Money, "$-5", "-5"},
		{table.Money, "20M", `"20M" is not a number (column "v" is money)`},
		{table.Money, "USD 5", `"USD 5" is not a number (column "v" is money)`},

		{table.Percent, "25%", "0.25"},
		{table.Percent, "0.25", "0.25"},
		{table.Percent, "12.5 %", "0.125"},
		{table.Percent, "1,250%", "12.5"},
		{table.Percent, "-4%", "-0.04"},
		{table.Percent, "abc%", `"abc%" is not a percentage (column "v" is percent)`},
		{table.Percent, "high", `"high" is not a percentage (column "v" is percent)`},

		{table.Date, "2022-03-31", "2022-03-31"},
		{table.Date, "2022/03/31", "2022-03-31"},
		{table.Date, "2022-03-31T23:59:59", "2022-03-31"},
		{table.Date, "2022-03", "2022-03-01"},
		{table.Date, "Mar 2022", "2022-03-01"},
		{table.Date, "2024-02-29", "2024-02-29"},
		{table.Date, "1969-12-31", "1969-12-31"},
		// Far-off dates, e.g. an "open-ended" 9999-12-31, must not be
		// clamped to the 1677..2262 range of a time.Duration.
		{table.Date, "9999-12-31", "9999-12-31"},
		{table.Date, "2300-01-01", "2300-01-01"},
		{table.Date, "1600-03-01", "1600-03-01"},
		{table.Date, "2023-02-29", `"2023-02-29" is not a date (2022-03-31) (column "v" is date)`},
		{table.Date, "31/03/2022", `"31/03/2022" is not a date (2022-03-31) (column "v" is date)`},
		// Serials count only in spreadsheets, where the cell is a number.
		{table.Date, "44651", `"44651" is not a date (2022-03-31) (column "v" is date)`},

		{table.Month, "2022-03", "2022-03"},
		{table.Month, "Mar 2022", "2022-03"},
		{table.Month, "March 2022", "2022-03"},
		{table.Month, "2022-03-31", "2022-03"},
		{table.Month, "2022-13", `"2022-13" is not a month (2022-03, Mar 2022 or a date) (column "v" is month)`},
		{table.Month, "03/2022", `"03/2022" is not a month (2022-03, Mar 2022 or a date) (column "v" is month)`},

		{table.Quarter, "2024-Q2", "2024-Q2"},
		{table.Quarter, "Q2 2024", "2024-Q2"},
		{table.Quarter, "2024Q2", "2024-Q2"},
		{table.Quarter, "2024 Q3", "2024-Q3"},
		{table.Quarter, "q1-2025", "2025-Q1"},
		{table.Quarter, "Q4  2024", "2024-Q4"},
		{table.Quarter, "2024-Q5", `"2024-Q5" is not a quarter (2024-Q2 or Q2 2024) (column "v" is quarter)`},
		{table.Quarter, "Q2 24", `"Q2 24" is not a quarter (2024-Q2 or Q2 2024) (column "v" is quarter)`},
		// Text after a quarter is not ignored.
		{table.Quarter, "2024-Q2x", `"2024-Q2x" is not a quarter (2024-Q2 or Q2 2024) (column "v" is quarter)`},
		{table.Quarter, "Q3 2024 (est.)", `"Q3 2024 (est.)" is not a quarter (2024-Q2 or Q2 2024) (column "v" is quarter)`},
	}
	for _, c := range cases {
		t.Run(c.kind.String()+"/"+c.in, func(t *testing.T) {
			src := "v\n\"" + strings.ReplaceAll(c.in, `"`, `""`) + "\"\n"
			tb, err := load(t, "v.csv", src, table.Spec{Columns: cols("v", c.kind)}, table.DefaultLimits)
			if strings.Contains(c.want, " is not ") {
				wantErr(t, err, "v.csv:2:1: "+c.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v := tb.Rows[0][0]
			if got := text(c.kind, v); got != c.want {
				t.Errorf("%q as %s = %q, want %q", c.in, c.kind, got, c.want)
			}
		})
	}
}

// The numbers behind the canonical texts, which other packages compute
// with.
func TestValueEncoding(t *testing.T) {
	tb := mustLoad(t, "e.csv", "d,m,q,p\n1970-01-02,2022-03,2024-Q2,25%\n1969-12-31,0001-01,Q1 1000,1\n",
		table.Spec{Columns: cols("d", table.Date, "m", table.Month, "q", table.Quarter, "p", table.Percent)})
	want := [][]float64{
		{1, 2022*12 + 2, 2024*4 + 1, 0.25},
		{-1, 12, 1000 * 4, 1},
	}
	for r := range want {
		for c, w := range want[r] {
			if v := tb.Rows[r][c]; v.F != w || v.Null {
				t.Errorf("row %d col %s: %+v, want %v", r, tb.Columns[c].Name, v, w)
			}
		}
	}
	if !tb.Columns[3].Kind.IsNumeric() || tb.Columns[0].Kind.IsNumeric() {
		t.Errorf("IsNumeric: percent should be, date should not")
	}
}

func TestParseKind(t *testing.T) {
	for i, name := range []string{"text", "number", "money", "percent", "date", "month", "quarter"} {
		k, err := table.ParseKind(name)
		if err != nil || k != table.Kind(i) || k.String() != name {
			t.Errorf("ParseKind(%q) = %v, %v", name, k, err)
		}
	}
	_, err := table.ParseKind("currency")
	if err == nil || err.Error() != `unknown column type "currency" (want one of text, number, money, percent, date, month, quarter)` {
		t.Errorf("error %v", err)
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Monthly spend (USD)": "monthly_spend_usd",
		"  Region ":           "region",
		"% growth":            "growth",
		"FY2024 Q1":           "fy2024_q1",
		"Umsatz (€) – Q1":     "umsatz_q1",
		"Région":              "région",
		"customer-id":         "customer_id",
		"a__b":                "a_b",
		"---":                 "",
	} {
		if got := table.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		k    table.Kind
		v    table.Value
		want string
	}{
		{table.Number, table.Value{F: 20000000}, "20000000"},
		{table.Money, table.Value{F: 1234.5}, "1234.5"},
		{table.Number, table.Value{F: -0.125}, "-0.125"},
		{table.Number, table.Value{F: 1e20}, "1e+20"},
		{table.Date, table.Value{F: 19082}, "2022-03-31"},
		{table.Month, table.Value{F: 2022*12 + 11}, "2022-12"},
		{table.Quarter, table.Value{F: 2024*4 + 3}, "2024-Q4"},
		{table.Text, table.Value{S: "x"}, "x"},
		{table.Money, table.Value{Null: true, F: 5}, ""},
	} {
		if got := table.Format(c.k, c.v); got != c.want {
			t.Errorf("Format(%s, %+v) = %q, want %q", c.k, c.v, got, c.want)
		}
	}
}

// ---- xlsx written here with excelize ----

// spendWorkbook is a typical customer sheet: header in row 1, six
// customers in rows 2-7, C7 typed in as "20M".
func spendWorkbook(t *testing.T, c7 any) []byte {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Spend"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	setRow(t, f, "Spend", 1, "Customer", "Region", "Monthly spend (USD)", "Signed", "Churn risk")
	signed := time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)
	setRow(t, f, "Spend", 2, "Acme", "NA", 1200, signed, 0.25)
	setRow(t, f, "Spend", 3, "Globex", "EU", 950.5, signed.AddDate(0, 1, 0), "10%")
	setRow(t, f, "Spend", 4, "Initech", "EU", "1,500", "2023-01-15", 0)
	setRow(t, f, "Spend", 5, "Umbrella", "APAC", 20000000, 44651, nil)
	setRow(t, f, "Spend", 6, "Hooli", "NA", 0, nil, 0.5)
	setRow(t, f, "Spend", 7, "Vehement", "NA", c7, signed, 0.1)
	return xlsxBytes(t, f)
}

var spendSpec = table.Spec{Name: "customers", Sheet: "Spend", Columns: map[string]table.Kind{
	"monthly_spend_usd": table.Money, "signed": table.Date, "churn_risk": table.Percent,
}}

func TestXLSXBadNumberMessage(t *testing.T) {
	data := spendWorkbook(t, "20M")
	spec := spendSpec
	spec.File = "spend.xlsx"
	_, err := table.Load(fstest.MapFS{"spend.xlsx": {Data: data}}, spec, table.DefaultLimits)
	wantErr(t, err, `spend.xlsx: Spend!C7: "20M" is not a number (column "monthly_spend_usd" is money)`)

	spec.File = "data/customers.xlsx"
	_, err = table.Load(fstest.MapFS{"data/customers.xlsx": {Data: data}}, spec, table.DefaultLimits)
	wantErr(t, err, `data/customers.xlsx: Spend!C7: "20M" is not a number (column "monthly_spend_usd" is money)`)
}

func TestXLSXTypedValues(t *testing.T) {
	spec := spendSpec
	spec.File = "data/customers.xlsx"
	tb, err := table.Load(fstest.MapFS{"data/customers.xlsx": {Data: spendWorkbook(t, 20_000_000)}}, spec, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "Spend" || tb.Name != "customers" || tb.File != "data/customers.xlsx" {
		t.Errorf("table %q from %q sheet %q", tb.Name, tb.File, tb.Sheet)
	}
	const at = " @data/customers.xlsx: Spend!"
	sameRows(t, rowsOf(tb), [][]string{
		{"Acme" + at + "A2", "NA" + at + "B2", "1200" + at + "C2", "2022-03-31" + at + "D2", "0.25" + at + "E2"},
		{"Globex" + at + "A3", "EU" + at + "B3", "950.5" + at + "C3", "2022-05-01" + at + "D3", "0.1" + at + "E3"},
		{"Initech" + at + "A4", "EU" + at + "B4", "1500" + at + "C4", "2023-01-15" + at + "D4", "0" + at + "E4"},
		// 44651 typed as a plain number is still a date serial.
		{"Umbrella" + at + "A5", "APAC" + at + "B5", "20000000" + at + "C5", "2022-03-31" + at + "D5", "<null>" + at + "E5"},
		{"Hooli" + at + "A6", "NA" + at + "B6", "0" + at + "C6", "<null>" + at + "D6", "0.5" + at + "E6"},
		{"Vehement" + at + "A7", "NA" + at + "B7", "20000000" + at + "C7", "2022-03-31" + at + "D7", "0.1" + at + "E7"},
	})
}

func TestXLSXSerials(t *testing.T) {
	f := excelize.NewFile()
	setRow(t, f, "Sheet1", 1, "Date", "Month", "Text")
	for i, v := range []float64{1, 59, 61, 44651, 44651.75, 2958465} {
		setRow(t, f, "Sheet1", i+2, v, v, v)
	}
	tb, err := table.Load(fstest.MapFS{"s.xlsx": {Data: xlsxBytes(t, f)}},
		table.Spec{Name: "s", File: "s.xlsx", Columns: cols("date", table.Date, "month", table.Month)}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{
		{"1900-01-01", "1900-01", "1"},
		{"1900-02-28", "1900-02", "59"},
		{"1900-03-01", "1900-03", "61"}, // after Excel's phantom 1900-02-29
		{"2022-03-31", "2022-03", "44651"},
		{"2022-03-31", "2022-03", "44651.75"},
		{"9999-12-31", "9999-12", "2958465"},
	}
	for r, w := range want {
		for c := range w {
			if got := table.Format(tb.Columns[c].Kind, tb.Rows[r][c]); got != w[c] {
				t.Errorf("row %d %s = %q, want %q", r+2, tb.Columns[c].Name, got, w[c])
			}
		}
	}
	for _, bad := range []float64{0, -5, 2958466} {
		f := excelize.NewFile()
		setRow(t, f, "Sheet1", 1, "Date")
		setRow(t, f, "Sheet1", 2, bad)
		_, err := table.Load(fstest.MapFS{"s.xlsx": {Data: xlsxBytes(t, f)}},
			table.Spec{Name: "s", File: "s.xlsx", Columns: cols("date", table.Date)}, table.DefaultLimits)
		wantErr(t, err, fmt.Sprintf(`s.xlsx: Sheet1!A2: "%s" is not a date (2022-03-31) (column "date" is date)`, strconv.FormatFloat(bad, 'f', -1, 64)))
	}
}

func TestXLSXErrorCells(t *testing.T) {
	base := func() *excelize.File {
		f := excelize.NewFile()
		setRow(t, f, "Sheet1", 1, "Customer", "Status", "Spend")
		setRow(t, f, "Sheet1", 2, "Acme", "#N/A", 10)
		setRow(t, f, "Sheet1", 3, "Globex", "ok", 20)
		setRow(t, f, "Sheet1", 4, "Initech", "ok", 30)
		return f
	}
	spec := table.Spec{Name: "t", File: "e.xlsx", Columns: cols("spend", table.Number)}
	// "#N/A" typed as text is text, not an error.
	tb, err := table.Load(fstest.MapFS{"e.xlsx": {Data: xlsxBytes(t, base())}}, spec, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.Rows[0][1].S; got != "#N/A" {
		t.Errorf("B2 = %q, want the text #N/A", got)
	}
	// The same text in a number column is a bad number, not an error cell.
	_, err = table.Load(fstest.MapFS{"e.xlsx": {Data: xlsxBytes(t, base())}},
		table.Spec{Name: "t", File: "e.xlsx", Columns: cols("status", table.Number)}, table.DefaultLimits)
	wantErr(t, err, `e.xlsx: Sheet1!B2: "#N/A" is not a number (column "status" is number)`)
	// A real error cell (t="e", the cached result of a failed formula) in
	// a data row is refused at its cell.
	data := rezip(t, xlsxBytes(t, base()), func(name string, c []byte) ([]byte, uint64) {
		if name != "xl/worksheets/sheet1.xml" {
			return c, 0
		}
		s := string(c)
		i := strings.Index(s, `<c r="C3"`)
		j := i + strings.Index(s[i:], "</c>") + len("</c>")
		return []byte(s[:i] + `<c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c>` + s[j:]), 0
	})
	_, err = table.Load(fstest.MapFS{"e.xlsx": {Data: data}}, spec, table.DefaultLimits)
	wantErr(t, err, "e.xlsx: Sheet1!C3: cell holds the error value #DIV/0!; fix the formula or clear the cell")
}

func spendSpec2(file string) table.Spec {
	s := spendSpec
	s.File = file
	return s
}

func TestXLSXLimits(t *testing.T) {
	fsys := fstest.MapFS{"spend.xlsx": {Data: spendWorkbook(t, 5)}}
	spec := spendSpec
	spec.File = "spend.xlsx"
	lim := table.DefaultLimits
	lim.MaxRows = 6
	if tb, err := table.Load(fsys, spec, lim); err != nil || len(tb.Rows) != 6 {
		t.Fatalf("exactly MaxRows rows: %v", err)
	}
	lim.MaxRows = 5
	_, err := table.Load(fsys, spec, lim)
	wantErr(t, err, "spend.xlsx: Spend: more than 5 rows; split the sheet or raise the limit")

	lim = table.DefaultLimits
	lim.MaxCellBytes = 7
	_, err = table.Load(fsys, spec, lim)
	// Header cells count too: "Customer" is 8 bytes.
	wantErr(t, err, "spend.xlsx: Spend!A1: cell holds more than 7 bytes, the limit for one cell")
	lim.MaxCellBytes = 19 // the longest header, "Monthly spend (USD)"
	_, err = table.Load(fstest.MapFS{"spend.xlsx": {Data: spendWorkbook(t, "twenty million dollars")}}, spendSpec2("spend.xlsx"), lim)
	wantErr(t, err, "spend.xlsx: Spend!C7: cell holds more than 19 bytes, the limit for one cell")

	spec.Sheet = "Nope"
	spec.Where = diag.Pos{File: "site.toml", Line: 4, Col: 9}
	_, err = table.Load(fsys, spec, table.DefaultLimits)
	wantErr(t, err, `site.toml:4:9: table "customers": spend.xlsx has no sheet "Nope" (sheets: Spend, Notes)`)

	spec.Sheet = "Notes"
	_, err = table.Load(fsys, spec, table.DefaultLimits)
	wantErr(t, err, "spend.xlsx: Notes: sheet has no header row (expected column names in row 1)")
}

// A merged range on every data row: each must be filled, and ranges that
// start above the header must still reach the rows they cover.
func TestXLSXManyMerges(t *testing.T) {
	const n = 5000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"Report title"})
	sw.SetRow("A2", []any{"Region", "Label", "", "Value"})
	for r := 3; r < n+3; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		region := ""
		if r%10 == 3 {
			region = fmt.Sprintf("R%d", r/10)
		}
		sw.SetRow(cell, []any{region, fmt.Sprintf("L%d", r), "", r})
		if err := sw.MergeCell(fmt.Sprintf("B%d", r), fmt.Sprintf("C%d", r)); err != nil {
			t.Fatal(err)
		}
		if r%10 == 3 {
			sw.MergeCell(fmt.Sprintf("A%d", r), fmt.Sprintf("A%d", r+9))
		}
	}
	sw.MergeCell("A1", "D1")
	sw.Flush()
	tb, err := table.Load(fstest.MapFS{"m.xlsx": {Data: xlsxBytes(t, f)}},
		table.Spec{Name: "m", File: "m.xlsx", HeaderRow: 2, Columns: cols("value", table.Number)}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.ColumnNames(); !slices.Equal(got, []string{"region", "label", "value"}) {
		t.Fatalf("columns %q", got)
	}
	if len(tb.Rows) != n {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	for i, row := range tb.Rows {
		r := i + 3
		if want := fmt.Sprintf("R%d", (r-(r-3)%10)/10); row[0].S != want {
			t.Fatalf("A%d = %q, want %s", r, row[0].S, want)
		}
		if want := fmt.Sprintf("L%d", r); row[1].S != want {
			t.Fatalf("B%d = %q, want %s", r, row[1].S, want)
		}
		if row[2].F != float64(r) {
			t.Fatalf("D%d = %v", r, row[2].F)
		}
	}
}
