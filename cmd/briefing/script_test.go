package main

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"briefing": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	echarts, err := filepath.Abs("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(echarts); err != nil {
		t.Fatalf("ECharts is not installed (%v): run `npm ci` at the repository root first", err)
	}
	fixtures, _ := filepath.Abs("../../internal/table/testdata/xlsx")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("BRIEFING_ECHARTS", echarts)
			env.Setenv("FIXTURES", fixtures)
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"mkxlsx":   cmdMkxlsx,
			"sametree": cmdSametree,
		},
	})
}

// mkxlsx OUT SHEET CSV [SHEET CSV ...] writes a workbook whose sheets hold
// the CSV files' cells: numbers as numbers, yyyy-mm-dd as dates, the rest
// as text.
func cmdMkxlsx(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 || len(args)%2 != 1 {
		ts.Fatalf("usage: mkxlsx OUT SHEET CSV [SHEET CSV ...]")
	}
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for i := 1; i < len(args); i += 2 {
		sheet := args[i]
		if i == 1 {
			ts.Check(f.SetSheetName("Sheet1", sheet))
		} else {
			_, err := f.NewSheet(sheet)
			ts.Check(err)
		}
		r := csv.NewReader(bytes.NewReader([]byte(ts.ReadFile(args[i+1]))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		ts.Check(err)
		for y, rec := range recs {
			for x, v := range rec {
				cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					ts.Check(f.SetCellFloat(sheet, cell, n, -1, 64))
				} else if d, err := time.Parse("2006-01-02", v); err == nil {
					ts.Check(f.SetCellValue(sheet, cell, d))
					ts.Check(f.SetCellStyle(sheet, cell, cell, dateStyle))
				} else if v != "" {
					ts.Check(f.SetCellStr(sheet, cell, v))
				}
			}
		}
	}
	out := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(out), 0o755))
	ts.Check(f.SaveAs(out))
}

// sametree A B succeeds when two directories hold the same files with the
// same bytes.
func cmdSametree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sametree DIR1 DIR2")
	}
	a, b := readTree(ts, ts.MkAbs(args[0])), readTree(ts, ts.MkAbs(args[1]))
	same := len(a) == len(b)
	for name, data := range a {
		if other, ok := b[name]; !ok || !bytes.Equal(data, other) {
			if !neg {
				ts.Logf("differs: %s", name)
			}
			same = false
		}
	}
	if same == neg {
		ts.Fatalf("sametree %s %s: same=%v", args[0], args[1], same)
	}
}

func readTree(ts *testscript.TestScript, dir string) map[string][]byte {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	ts.Check(err)
	return files
}
