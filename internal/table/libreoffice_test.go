package table_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// The workbooks in testdata/libreoffice were written by LibreOffice 7.4
// (soffice --headless --convert-to xlsx) from the .fods files next to
// them, which say what every cell holds and how it is formatted; the
// 1904 one differs only in its date system. TestLibreOfficeSource checks
// that they still match their sources.
var libreOfficeBooks = []string{"formats.xlsx", "formats1904.xlsx"}

func accountsSpec(file string) table.Spec {
	return table.Spec{Name: "accounts", File: file, Sheet: "Accounts", HeaderRow: 3, Currency: "USD"}
}

// TestLibreOfficeKinds loads a sheet with no declared kinds: each column
// takes its kind from the cells' number formats, and the figures shown
// from it read as the workbook shows them.
func TestLibreOfficeKinds(t *testing.T) {
	fsys := os.DirFS("testdata/libreoffice")
	for _, file := range libreOfficeBooks {
		t.Run(file, func(t *testing.T) {
			tb, err := table.Load(fsys, accountsSpec(file), table.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range tb.Columns {
				got = append(got, c.Name+" "+c.Kind.String()+" ("+c.From+")")
			}
			want := []string{
				"customer text (values)", "since date (number format)", "monthly_spend money (number format)",
				"share percent (number format)", "region text (values)", "spend_eur money (number format)",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("columns\n got %q\nwant %q", got, want)
			}
			if tb.Range != "A3:F7" {
				t.Errorf("range %q, want A3:F7", tb.Range)
			}
			show := func(row int, col, spec string) string {
				t.Helper()
				c := tb.Col(col)
				sp, err := format.ParseSpec(spec)
				if err != nil {
					t.Fatal(err)
				}
				s, err := format.Default.Show(sp, tb.Columns[c].Kind, tb.Rows[row][c])
				if err != nil {
					t.Fatalf("%s row %d: %v", col, row, err)
				}
				return s
			}
			for _, c := range []struct{ got, want string }{
				{show(0, "monthly_spend", "money_full"), "$20,000,000"},
				{show(0, "share", "percent:1"), "24.1%"},
				{show(1, "share", "percent:1"), "7.8%"},
				{show(0, "since", "date"), "Jan 15, 2021"},
				{show(2, "since", "date"), "Sep 1, 2021"},
				{show(2, "customer", "text"), "Zürich Rück AG"},
			} {
				if c.got != c.want {
					t.Errorf("shown %q, want %q", c.got, c.want)
				}
			}
			if v := tb.Rows[1][tb.Col("monthly_spend")].F; v != 6500000.5 {
				t.Errorf("Walmart's spend %v, want 6500000.5 (cents kept)", v)
			}
			if v := tb.Rows[3][tb.Col("since")]; !v.Null {
				t.Errorf("the churned customer's empty date is %+v, want null", v)
			}
			// The EUR column is money, with a warning at its first cell.
			if len(tb.Warnings) != 1 || !strings.HasPrefix(tb.Warnings[0].Error(), file+`: Accounts!F4: column "spend_eur" is formatted as EUR money in the workbook, but the briefing shows money in USD`) {
				t.Errorf("warnings %v, want one about the EUR column at F4", tb.Warnings)
			}
		})
	}
}

// TestLibreOfficeSource converts the .fods sources again and checks that
// the committed workbooks load to the same tables. It needs soffice
// (Debian: libreoffice-calc-nogui) and skips without it, unless
// BRIEFING_REQUIRE_SOFFICE=1.
func TestLibreOfficeSource(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("BRIEFING_REQUIRE_SOFFICE") == "1" {
			t.Fatal("soffice is not installed, and BRIEFING_REQUIRE_SOFFICE=1")
		}
		t.Skip("soffice is not installed (apt-get install libreoffice-calc-nogui); the committed workbooks are tested without it")
	}
	out := t.TempDir()
	var srcs []string
	for _, f := range libreOfficeBooks {
		srcs = append(srcs, filepath.Join("testdata/libreoffice", strings.TrimSuffix(f, ".xlsx")+".fods"))
	}
	cmd := exec.Command(soffice, append([]string{"-env:UserInstallation=file://" + filepath.Join(out, "profile"),
		"--headless", "--convert-to", "xlsx", "--outdir", out}, srcs...)...)
	cmd.Env = append(os.Environ(), "HOME="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	for _, file := range libreOfficeBooks {
		for _, spec := range []table.Spec{accountsSpec(file), gridSpec(file)} {
			fresh, err1 := table.Load(os.DirFS(out), spec, table.DefaultLimits)
			kept, err2 := table.Load(os.DirFS("testdata/libreoffice"), spec, table.DefaultLimits)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v; %v", file, err1, err2)
			}
			a, b := table.Summarize(fresh, false, 100), table.Summarize(kept, false, 100)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s %s: the committed workbook no longer matches its .fods source:\n%+v\n%+v", file, spec.Sheet, a, b)
			}
		}
	}
}

func gridSpec(file string) table.Spec {
	return table.Spec{Name: "revenue", File: file, Sheet: "Grid", Currency: "USD",
		Unpivot:  &table.Unpivot{Columns: "B:", Name: "month", Value: "revenue"},
		SkipRows: []string{"total"}, SkipColumns: []string{"Total*"}}
}

// TestUnpivotWorkbook reads LibreOffice's month × customer grid, whose
// header holds dates formatted "mmm yyyy" and whose last row and column
// are totals by formula, as long rows.
func TestUnpivotWorkbook(t *testing.T) {
	for _, file := range libreOfficeBooks {
		tb, err := table.Load(os.DirFS("testdata/libreoffice"), gridSpec(file), table.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range tb.Columns {
			got = append(got, c.Name+" "+c.Kind.String())
		}
		if want := []string{"customer text", "month month", "revenue money"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: columns %q, want %q", file, got, want)
		}
		got = nil
		for r, row := range tb.Rows {
			got = append(got, table.Format(table.Text, row[0])+" "+table.Format(table.Month, row[1])+" "+
				table.Format(table.Money, row[2])+" @"+tb.Pos(r, 2).Cell+" "+tb.Pos(r, 1).Cell)
		}
		want := []string{
			"TikTok 2024-01 20000000 @B2 B1", "TikTok 2024-02 21000000 @C2 C1", "TikTok 2024-03 22000000 @D2 D1",
			"Walmart 2024-01 6000000 @B3 B1", "Walmart 2024-02 6500000 @C3 C1",
			"Churned Co 2024-01 900000 @B4 B1",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rows\n got %q\nwant %q", file, got, want)
		}
	}
}

// TestUnpivotCSV: the same grid in a CSV file; letters count its fields.
// A bad grid cell is reported at its own line and column.
func TestUnpivotCSV(t *testing.T) {
	grid := "Customer,2024-01,2024-02,2024-03,Total\nTikTok,20,21,22,63\nWalmart,6,n/a,,6\nTotal,26,21,22,69\n"
	spec := table.Spec{Name: "revenue", File: "data/grid.csv", Columns: map[string]table.Kind{"revenue": table.Money},
		Unpivot: &table.Unpivot{Columns: "B:D", Name: "month", Value: "revenue"}, SkipRows: []string{"Total"}}
	_, err := load(t, "data/grid.csv", grid, spec, table.DefaultLimits)
	wantErr(t, err, `data/grid.csv:3:11: "n/a" is not a number (column "revenue" is money)`)

	tb, err := load(t, "data/grid.csv", strings.Replace(grid, "n/a", "7", 1), spec, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.ColumnNames(); !reflect.DeepEqual(got, []string{"customer", "total", "month", "revenue"}) {
		t.Errorf("columns %q: the total column outside B:D stays a column", got)
	}
	if len(tb.Rows) != 5 || tb.Columns[2].Kind != table.Month || tb.Pos(4, 3) != (diag.Pos{File: "data/grid.csv", Line: 3, Col: 11}) {
		t.Errorf("%d rows, month %s, last value at %v", len(tb.Rows), tb.Columns[2].Kind, tb.Pos(4, 3))
	}

	for _, c := range []struct {
		u    table.Unpivot
		want string
	}{
		{table.Unpivot{Columns: "X:Z", Name: "month", Value: "v"}, `site.toml:3:1: table "revenue": unpivot columns "X:Z" select no column of data/grid.csv (header: A=Customer, B=2024-01, C=2024-02, D=2024-03, E=Total)`},
		{table.Unpivot{Columns: "D:B", Name: "month", Value: "v"}, `site.toml:3:1: table "revenue": unpivot columns "D:B": the range runs backwards`},
		{table.Unpivot{Columns: "B:D", Name: "customer", Value: "v"}, `site.toml:3:1: table "revenue": unpivot name "customer" is already a column of data/grid.csv; choose another name`},
		{table.Unpivot{Columns: "B:D", Name: "Month", Value: "v"}, `site.toml:3:1: table "revenue": unpivot name "Month": use lower-case letters, digits and _ (a column name)`},
	} {
		u := c.u
		_, err := load(t, "data/grid.csv", grid, table.Spec{Name: "revenue", Unpivot: &u, Where: diag.Pos{File: "site.toml", Line: 3, Col: 1}}, table.DefaultLimits)
		wantErr(t, err, c.want)
	}
}
