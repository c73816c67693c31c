package table_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// fuzzLimits keep each fuzzed load small and quick.
var fuzzLimits = table.Limits{MaxFileBytes: 1 << 20, MaxUnzipped: 4 << 20, MaxRows: 1000, MaxCols: 64, MaxCellBytes: 1 << 10}

var fuzzColumns = map[string]table.Kind{
	"month": table.Month, "spend": table.Money, "share": table.Percent, "day": table.Date, "q": table.Quarter, "n": table.Number,
}

// fuzzLoad loads src as file and fails on a panic (by not recovering) or
// on an error that is not a positioned problem of the data.
func fuzzLoad(t *testing.T, file string, src []byte) {
	spec := table.Spec{Name: "t", File: file, Columns: fuzzColumns, Where: diag.Pos{File: "site.toml", Line: 3}}
	tb, err := table.Load(fstest.MapFS{file: {Data: src}}, spec, fuzzLimits)
	if err != nil {
		if !diag.IsSource(err) {
			t.Fatalf("%q: %T %v, want a positioned error", src, err, err)
		}
		return
	}
	if len(tb.Rows) > fuzzLimits.MaxRows {
		t.Fatalf("%d rows, over the limit", len(tb.Rows))
	}
}

// FuzzLoadCSV: any bytes load as a table or fail with a positioned error.
func FuzzLoadCSV(f *testing.F) {
	for _, s := range []string{
		"month,customer,spend,share\n2022-03,TikTok,20000000,24.1%\n2022-02,Walmart,\"$5,000,000\",6%\n",
		"\ufeffMonth,Spend\n2022-03,20M\n",
		"month,spend\nMarch 2022,1e400\n2022-13,-0\n",
		"a,b\n\"unclosed,1\n",
		"a,a,A\n1,2,3\n",
		"Z\xfcrich,n\n\xfc,1\n", // Latin-1
		"q,day\n2024-Q5,2022-02-30\n2024-Q1,2022-03-31\n",
		"n\n" + strings.Repeat("1\n", 1200),
		strings.Repeat("c,", 100) + "c\n",
		"n,share\r\n1,50 %\r\n2,(3)\r\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzLoad(t, "data/t.csv", src) })
}

// FuzzLoadTOML: any bytes load as a table from [[t]] entries or fail with
// a positioned error.
func FuzzLoadTOML(f *testing.F) {
	for _, s := range []string{
		"[[t]]\nmonth = \"2022-03\"\nspend = 20000000\nshare = 0.241\n\n[[t]]\nmonth = 2022-02-01\nspend = \"5M\"\n",
		"[[t]]\nday = 2022-03-31\nq = \"2024-Q2\"\nn = inf\n",
		"[[t]]\nn = [1, 2]\n[[t]]\nn = { a = 1 }\n",
		"t = 1\n",
		"[[t]]\n",
		"[[t]]\nn = 1\n[[t]]\nother = 2\n",
		"[[t]]\nn = " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n",
		"[[t]]\nn = \"\"\"\n[[t]]\n\"\"\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzLoad(t, "data/t.toml", src) })
}

// FuzzLoadXLSX: any bytes, seeded with the workbooks in testdata (among
// them an XML bomb and shared-string tricks), load or fail with a
// positioned error.
func FuzzLoadXLSX(f *testing.F) {
	files, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 32<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Fuzz(func(t *testing.T, src []byte) { fuzzLoad(t, "data/t.xlsx", src) })
}
