package table_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/table"
)

// The benchmark workbook: 100,000 data rows under a header, 10 columns
// mixing text, integers, money, percentages, dates, months and quarters.
const (
	benchRows = 100_000
	benchFile = "bench100k.xlsx"
)

var benchHeader = []any{"ID", "Customer", "Region", "Signup date", "Month", "Quarter", "Seats", "Monthly spend (USD)", "Discount", "Notes"}

var benchColumns = map[string]table.Kind{
	"id":                table.Number,
	"signup_date":       table.Date,
	"month":             table.Month,
	"quarter":           table.Quarter,
	"seats":             table.Number,
	"monthly_spend_usd": table.Money,
	"discount":          table.Percent,
}

// writeBenchWorkbook writes the benchmark workbook to path with excelize's
// StreamWriter, which is how a large export would be produced.
func writeBenchWorkbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", benchHeader); err != nil {
		return err
	}
	regions := []string{"North", "South", "East", "West", "Central"}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	row := make([]any, len(benchHeader))
	for i := 0; i < benchRows; i++ {
		d := base.AddDate(0, 0, i%1500)
		row[0] = i + 1
		row[1] = fmt.Sprintf("Customer %06d", i)
		row[2] = regions[i%len(regions)]
		row[3] = excelize.Cell{StyleID: dateStyle, Value: d}
		row[4] = d.Format("2006-01")
		row[5] = fmt.Sprintf("%d-Q%d", d.Year(), (int(d.Month())-1)/3+1)
		row[6] = i%50 + 1
		row[7] = float64(i%100000) * 12.25
		row[8] = float64(i%40) / 100
		row[9] = fmt.Sprintf("note %d for row %d", i%7, i+2)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

var benchIn = flag.String("workbook", "", "directory holding an already written "+benchFile+" for the benchmarks to read instead of writing one")

// benchWorkbook returns a directory holding the benchmark workbook: a
// fresh b.TempDir with the workbook written into it (before the timed
// loop), or, with -workbook dir, dir itself, so that a measurement of the
// whole process (peak RSS) does not include writing it.
func benchWorkbook(b *testing.B) string {
	b.Helper()
	if *benchIn != "" {
		return *benchIn
	}
	dir := b.TempDir()
	if err := writeBenchWorkbook(filepath.Join(dir, benchFile)); err != nil {
		b.Fatal(err)
	}
	return dir
}

var benchOut = flag.String("out", "", "TestWriteBenchWorkbook writes the 100k-row benchmark workbook to this path")

// TestWriteBenchWorkbook writes the benchmark workbook somewhere to keep:
//
//	go test ./internal/table -run TestWriteBenchWorkbook -args -out /tmp/wb/bench100k.xlsx
//	go test ./internal/table -run '^$' -bench . -args -workbook /tmp/wb
func TestWriteBenchWorkbook(t *testing.T) {
	if *benchOut == "" {
		t.Skip("no -out path given")
	}
	if err := writeBenchWorkbook(*benchOut); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkLoadXLSX100k(b *testing.B) {
	fsys := os.DirFS(benchWorkbook(b))
	spec := table.Spec{Name: "customers", File: benchFile, Columns: benchColumns}
	b.ReportAllocs()
	var t *table.Table
	for b.Loop() {
		var err error
		t, err = table.Load(fsys, spec, table.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(t.Rows) != benchRows || len(t.Columns) != len(benchHeader) {
		b.Fatalf("loaded %d rows x %d columns, want %d x %d", len(t.Rows), len(t.Columns), benchRows, len(benchHeader))
	}
	// The last row, K100001: row index 99999, 999 days after 2020-01-01.
	var got []string
	for c, v := range t.Rows[benchRows-1] {
		got = append(got, table.Format(t.Columns[c].Kind, v))
	}
	want := []string{"100000", "Customer 099999", "Central", "2022-09-26", "2022-09", "2022-Q3", "50", "1.22498775e+06", "0.39", "note 4 for row 100001"}
	if !slices.Equal(got, want) {
		b.Fatalf("last row %q, want %q", got, want)
	}
}

// BenchmarkExcelizeRowsRaw100k is the floor Load is measured against:
// excelize's own streaming reader over the same bytes, with the same
// unzip limits, touching every cell and doing nothing else.
func BenchmarkExcelizeRowsRaw100k(b *testing.B) {
	path := filepath.Join(benchWorkbook(b), benchFile)
	b.ReportAllocs()
	for b.Loop() {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(src), excelize.Options{
			UnzipSizeLimit:    table.DefaultLimits.MaxUnzipped,
			UnzipXMLSizeLimit: min(table.DefaultLimits.MaxUnzipped, 16<<20),
		})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n, cells := 0, 0
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			n++
			cells += len(cols)
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if n != benchRows+1 || cells != (benchRows+1)*len(benchHeader) {
			b.Fatalf("read %d rows, %d cells", n, cells)
		}
	}
}
