package build

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/site"
)

// fakeStatic stands in for the chart renderer: an image that depends on
// the option and size only.
func fakeStatic(option []byte, width, height int) ([]byte, error) {
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d"><desc>%x</desc></svg>`, width, height, sha256.Sum256(option)), nil
}

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
	opt.ECharts, opt.Static = echartsForTest(t), fakeStatic
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
	mem, err := Build(root.FS(), Options{ECharts: echartsForTest(t), Static: fakeStatic})
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
