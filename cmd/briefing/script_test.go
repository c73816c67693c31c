package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	testscript.Main(stopPostgres{m}, map[string]func(){
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
			// Chart images are cached in the script's own folder, never in
			// the user's cache.
			env.Setenv("BRIEFING_CACHE_DIR", filepath.Join(env.WorkDir, ".cache"))
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", fmt.Sprint(l.Addr().(*net.TCPAddr).Port))
			return l.Close()
		},
		Condition: needs,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"mkxlsx":    cmdMkxlsx,
			"sametree":  cmdSametree,
			"httpwait":  cmdHTTPWait,
			"editwatch": cmdEditWatch,
			"fails":     cmdFails,
		},
	})
}

// needs answers [needs:PROG]: whether PROG is on PATH. A script skips
// without it, unless BRIEFING_REQUIRE_PROG=1 (upper case) makes its absence
// a failure, as in CI.
func needs(cond string) (bool, error) {
	prog, ok := strings.CutPrefix(cond, "needs:")
	if !ok {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(prog); err == nil {
		return true, nil
	}
	if env := "BRIEFING_REQUIRE_" + strings.ToUpper(prog); os.Getenv(env) == "1" {
		return false, fmt.Errorf("%s is required (%s=1) but not on PATH", prog, env)
	}
	return false, nil
}

// fails CODE PROG [ARGS...] runs PROG like exec and succeeds when it
// exits with status CODE, where `! exec` accepts any failure. stdout and
// stderr are kept for the commands that follow.
func cmdFails(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: fails CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want == 0 {
		ts.Fatalf("fails: CODE must be a non-zero exit status, got %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	var ee *exec.ExitError
	switch {
	case err == nil:
		ts.Fatalf("%s succeeded; want exit status %d", args[1], want)
	case !errors.As(err, &ee):
		ts.Fatalf("%s: %v", args[1], err)
	case ee.ExitCode() != want:
		ts.Fatalf("%s: exit status %d, want %d", args[1], ee.ExitCode(), want)
	}
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

// httpwait URL PATTERN waits (up to 20s) until GET URL answers with a body
// matching PATTERN; negated, it checks that the answer does not match.
func cmdHTTPWait(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: httpwait URL PATTERN")
	}
	re := regexp.MustCompile(args[1])
	if neg { // ! httpwait: the page answers now, without a match
		resp, err := http.Get(args[0])
		ts.Check(err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if re.Match(b) {
			ts.Fatalf("%s matches %q", args[0], args[1])
		}
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		resp, err := http.Get(args[0])
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = fmt.Sprintf("%d %s", resp.StatusCode, b)
			if re.Match(b) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s never matched %q; last answer: %.500s", args[0], args[1], last)
}

// editwatch BASEURL FILE OLD NEW EVENT subscribes to the server's events,
// replaces OLD with NEW in FILE, and waits for an event named EVENT; its
// data goes to stdout.
func cmdEditWatch(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: editwatch BASEURL FILE OLD NEW EVENT")
	}
	resp, err := http.Get(args[0] + "/_briefing/events")
	ts.Check(err)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if _, err := r.ReadString('\n'); err != nil { // ": connected"
		ts.Fatalf("event stream: %v", err)
	}
	file := ts.MkAbs(args[1])
	src := ts.ReadFile(args[1])
	if !strings.Contains(src, args[2]) {
		ts.Fatalf("%s does not contain %q", args[1], args[2])
	}
	ts.Check(os.WriteFile(file, []byte(strings.Replace(src, args[2], args[3], 1)), 0o644))
	got := make(chan string, 1)
	go func() {
		name := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				got <- "error: " + err.Error()
				return
			}
			line = strings.TrimSpace(line)
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				got <- name + " " + v
				return
			}
		}
	}()
	select {
	case ev := <-got:
		if !strings.HasPrefix(ev, args[4]+" ") {
			ts.Fatalf("got event %q, want %s", ev, args[4])
		}
		fmt.Fprintln(ts.Stdout(), ev)
	case <-time.After(20 * time.Second):
		ts.Fatalf("no %s event within 20s", args[4])
	}
}
