package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/site"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden/want")

// buildDir builds the site in dir, reading it through an os.Root as the
// command does.
func buildDir(t testing.TB, dir string) *Result {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	res, err := Build(root.FS(), Options{ECharts: echartsForTest(t)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func echartsForTest(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../" + EChartsDefault)
	if err != nil {
		t.Fatalf("ECharts is not installed (%v): run `npm ci` at the repository root", err)
	}
	return b
}

// TestGolden pins the HTML of a small site. Run with -update to refresh.
func TestGolden(t *testing.T) {
	res := buildDir(t, "testdata/golden/site")
	want := "testdata/golden/want"
	if *update {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range sortedNames(res.Files) {
		got := res.Files[name]
		if name == "assets/echarts.min.js" {
			sum := sha256.Sum256(got)
			if hex.EncodeToString(sum[:]) != EChartsSHA256 {
				t.Errorf("assets/echarts.min.js is not the pinned copy")
			}
			continue
		}
		if strings.HasPrefix(name, "assets/") {
			// The site's own assets are copied as they are: no golden copy.
			if want := site.Asset(strings.TrimPrefix(name, "assets/")); len(want) == 0 || !bytes.Equal(got, want) {
				t.Errorf("%s is not the built-in asset", name)
			}
			continue
		}
		path := filepath.Join(want, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no golden file (run go test ./internal/build -run TestGolden -update): %v", name, err)
			continue
		}
		if !bytes.Equal(got, exp) {
			t.Errorf("%s differs from %s:\n%s", name, path, firstDiff(string(exp), string(got)))
		}
	}
	if *update {
		return
	}
	var onDisk []string
	_ = filepath.WalkDir(want, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(want, p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return nil
	})
	for _, name := range onDisk {
		if _, ok := res.Files[name]; !ok {
			t.Errorf("golden file %s is no longer produced", name)
		}
	}
}

// TestGoldenReads checks what a reader sees on the golden page, so that a
// careless -update cannot bless a broken page.
func TestGoldenReads(t *testing.T) {
	res := buildDir(t, "testdata/golden/site")
	page := string(res.Files["index.html"])
	for _, want := range []string{
		`<title>Summary · Golden briefing</title>`,
		`<h2 id="highlights">Highlights</h2>`,
		`<a href="more/detail.html#table">detail</a>`, // .md link rewritten
		`<p class="chart-title" id="chart-revenue-title">Revenue by region</p>`,
		`<th scope="row">Q4 2023</th><td>$1,100,000</td><td>$850,000</td>`, // data table, time-ordered, in full
		`<th scope="row">Q1 2024</th><td>$1,200,000</td><td>$800,000</td>`,
		`<p class="chart-source">Illustrative figures.</p>`,
		`<td>North</td>`, // GFM table
		`class="footnotes"`,
		`<script src="assets/echarts.min.js"></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	// Figures, conditional text, a table and links to the pages per row.
	for _, want := range []string{
		"In Q1 2024 the North brought in $1.2M, 60%\nof $2M; the South moved −5%, so the\nregions are diverging.",
		`<tr class="highlight"><td>South</td><td class="num">$800K</td><td class="num">40.0%</td><td class="num">−5.0%</td></tr>`,
		`<tfoot><tr><td>Total</td><td class="num">$2M</td><td class="num">100.0%</td><td></td></tr></tfoot>`,
		`<li><a href="region/north.html">North region</a></li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	south := string(res.Files["region/south.html"])
	for _, want := range []string{
		"<h1>South region</h1>",
		"The South region brought in $800K in Q1 2024,\n40% of the total. Growth was −5%\n(a decline).",
		`href="../assets/style.css"`,
	} {
		if !strings.Contains(south, want) {
			t.Errorf("region/south.html lacks %s", want)
		}
	}
	if strings.Contains(page, "alert(1)") {
		t.Error("raw HTML from markdown reached the page")
	}
	detail := string(res.Files["more/detail.html"])
	for _, want := range []string{`href="../assets/style.css"`, `<a href="../index.html">summary</a>`, `<a href="../index.html">Summary</a>`} {
		if !strings.Contains(detail, want) {
			t.Errorf("more/detail.html lacks %s", want)
		}
	}
}

// TestDeterministic builds the example briefing twice, through the disk,
// and compares every byte.
func TestDeterministic(t *testing.T) {
	a := buildDir(t, "../..")
	b := buildDir(t, "../..")
	if !slices.Equal(sortedNames(a.Files), sortedNames(b.Files)) {
		t.Fatalf("file lists differ:\n%v\n%v", sortedNames(a.Files), sortedNames(b.Files))
	}
	for name, data := range a.Files {
		if !bytes.Equal(data, b.Files[name]) {
			t.Errorf("%s differs between two builds:\n%s", name, firstDiff(string(data), string(b.Files[name])))
		}
	}
	if a.Pages < 4 || len(a.Charts) < 6 {
		t.Errorf("example has %d pages and %d charts; want at least 4 and 6", a.Pages, len(a.Charts))
	}
	dir := t.TempDir()
	for _, out := range []string{"one", "two"} {
		if err := Write(filepath.Join(dir, out), a.Files); err != nil {
			t.Fatal(err)
		}
	}
	for name := range a.Files {
		x, _ := os.ReadFile(filepath.Join(dir, "one", name))
		y, _ := os.ReadFile(filepath.Join(dir, "two", name))
		if !bytes.Equal(x, y) || !bytes.Equal(x, a.Files[name]) {
			t.Errorf("%s: written copies differ", name)
		}
	}
}

// TestWriteAtomic makes a write fail midway and checks that the previous
// output is untouched and no temporary folder is left behind.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	first := site.Files{"index.html": []byte("first"), "assets/a.css": []byte("a")}
	if err := Write(out, first); err != nil {
		t.Fatal(err)
	}
	// "zz/../../escape" sorts last, so every other file is written first;
	// it is refused because it would leave the output.
	bad := site.Files{"index.html": []byte("second"), "new.html": []byte("n"), "zz/../../escape.html": []byte("x")}
	err := Write(out, bad)
	if err == nil {
		t.Fatal("write of an escaping path succeeded")
	}
	got, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if string(got) != "first" {
		t.Errorf("index.html = %q after a failed write; want the previous %q", got, "first")
	}
	if _, err := os.Stat(filepath.Join(out, "new.html")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("new.html from the failed build reached the output")
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.html")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the output directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "output" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after a failed write the parent holds %v; want only output", names)
	}
	// A successful write replaces the whole folder: stale files go.
	if err := Write(out, site.Files{"index.html": []byte("third")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "assets/a.css")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file from the previous build survived a successful rebuild")
	}
}

func TestCheckOutput(t *testing.T) {
	siteDir := filepath.FromSlash("/srv/brief")
	for _, tc := range []struct {
		out string
		ok  bool
	}{
		{"/srv/brief/output", true},
		{"/srv/brief-out", true},
		{"/srv/brief/public/site", true},
		{"/srv/brief", false},
		{"/srv", false},
		{"/", false},
		{"/srv/brief/content", false},
		{"/srv/brief/content/out", false},
		{"/srv/brief/data/x", false},
		{"/srv/brief/templates", false},
		{"/srv/brief/static/out", false},
		{"/srv/brief/charts", false},
		{"/srv/brief/queries/out", false},
		{"/srv/brief/tables", false},
	} {
		err := CheckOutput(siteDir, filepath.FromSlash(tc.out))
		if (err == nil) != tc.ok {
			t.Errorf("CheckOutput(%s) = %v; want ok=%v", tc.out, err, tc.ok)
		}
	}
}

func sortedNames(f site.Files) []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(no line differs)"
}
