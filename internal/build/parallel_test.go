package build

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/site"
)

// testImages returns a chart-image service on a cache shared by every
// build of the test, so that only its first build draws.
func testImages(t *testing.T) *chartimage.Service {
	t.Helper()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	dir, ok := cacheDirs[t.Name()]
	if !ok {
		dir = t.TempDir()
		cacheDirs[t.Name()] = dir
	}
	svc := chartimage.New(chartimage.Options{Dir: dir, Workers: 2})
	t.Cleanup(svc.Close)
	return svc
}

var (
	cacheMu   sync.Mutex
	cacheDirs = map[string]string{}
)

// buildTo builds the site in dir with opt, writing to a new folder out
// (single-file pages when single is set), and returns the folder's files.
func buildTo(t *testing.T, dir, out string, opt Options, single bool) site.Files {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var o *Output
	opt.ECharts, opt.Images = echartsForTest(t), testImages(t)
	opt.Output = func(*config.Site) (site.Writer, error) {
		if o, err = Create(out); err != nil {
			return nil, err
		}
		if single {
			return NewSingleFile(o), nil
		}
		return o, nil
	}
	if _, err := Build(root.FS(), opt); err != nil {
		if o != nil {
			o.Abort()
		}
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	return readTree(t, out)
}

func readTree(t *testing.T, dir string) site.Files {
	t.Helper()
	files := site.Files{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, a, b site.Files) {
	t.Helper()
	if !slices.Equal(sortedNames(a), sortedNames(b)) {
		t.Fatalf("%s: file lists differ:\n%v\n%v", what, sortedNames(a), sortedNames(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s: %s differs:\n%s", what, name, firstDiff(string(data), string(b[name])))
		}
	}
}

// TestParallelBuild builds the example on one worker and on many, to a
// folder, as single-file pages and in memory: the outputs are the same,
// byte for byte, and the memory build holds what the folder does.
func TestParallelBuild(t *testing.T) {
	dir := t.TempDir()
	one := buildTo(t, "../..", filepath.Join(dir, "one"), Options{Workers: 1}, false)
	many := buildTo(t, "../..", filepath.Join(dir, "many"), Options{Workers: 8}, false)
	sameFiles(t, "1 and 8 workers", one, many)
	var pages, images int
	for name := range one {
		pages += boolInt(strings.HasSuffix(name, ".html"))
		images += boolInt(strings.HasPrefix(name, "assets/charts/"))
	}
	if pages < 10 || images < 6 {
		t.Errorf("the example built %d pages and %d chart images; want at least 10 and 6", pages, images)
	}
	singleOne := buildTo(t, "../..", filepath.Join(dir, "single-one"), Options{Workers: 1}, true)
	singleMany := buildTo(t, "../..", filepath.Join(dir, "single-many"), Options{}, true)
	sameFiles(t, "single-file, 1 and all workers", singleOne, singleMany)

	root, err := os.OpenRoot("../..")
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	mem, err := Build(root.FS(), Options{ECharts: echartsForTest(t), Images: testImages(t)})
	if err != nil {
		t.Fatal(err)
	}
	delete(one, Marker)
	sameFiles(t, "folder and memory", one, mem.Files)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLinkWarningsStreamed checks the links of pages as they are written,
// on one worker and on many: one warning per link written in a content
// file, at its position, from the file's first page, in the same order.
func TestLinkWarningsStreamed(t *testing.T) {
	fsys := fstest.MapFS{
		"site.toml":           {Data: []byte("title = \"Links\"\n[data.spend]\nfile = \"data/spend.csv\"\n")},
		"data/spend.csv":      {Data: []byte("customer,spend\nAcme,1\nGlobex,2\nInitech,3\n")},
		"content/index.md":    {Data: []byte("+++\ntitle = \"Home\"\n+++\n[gone](gone.md), [ok](customer/acme.md), [gone again](gone.md)\n\n{{pages customer}}\n")},
		"content/customer.md": {Data: []byte("+++\ntitle = \"{{row customer}}\"\neach = \"spend\"\nslug = \"customer\"\n+++\n[lost](../lost.md) and [home](../index.md)\n")},
	}
	var runs [][]string
	for _, workers := range []int{1, 8} {
		res, err := Build(fsys, Options{ECharts: echartsForTest(t), Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range res.Warnings {
			got = append(got, w.Error())
		}
		runs = append(runs, got)
	}
	want := []string{
		"content/customer.md:6:1: link to ../lost.html from customer/acme.html: there is no such page or file in the output",
		"content/index.md:4:1: link to gone.html from index.html: there is no such page or file in the output",
		"content/index.md:4:42: link to gone.html from index.html: there is no such page or file in the output",
	}
	for i, got := range runs {
		if !slices.Equal(got, want) {
			t.Errorf("run %d: warnings\n%q\nwant\n%q", i, got, want)
		}
	}
}
