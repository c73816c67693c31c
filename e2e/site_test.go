// Package e2e holds end-to-end tests: they build whole briefings in-process
// and check the output as a reader gets it, as raw HTML and in a real
// browser.
//
// This file is the only one that builds: it alone calls the build, the
// static chart renderer and the writer, behind exampleSite,
// exampleStaticSite, hostileSite, singleFile and exampleEmail. Every other file reads
// what a build wrote, through built.
package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/email"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
)

// exampleDir is the example briefing at the repository root.
const exampleDir = ".."

// hostileDir is a briefing whose customer names try to run script.
const hostileDir = "testdata/hostile"

// The three hostile customer names in testdata/hostile/data/customers.csv.
// Each would run script if the page or the chart library put it into
// HTML or JavaScript without escaping; each sets window.pwned if it does.
const (
	nameScript = `</script><script>window.pwned=1</script>`
	nameFunc   = `__f__window.pwned=2__f__`
	nameImg    = `<img src=x onerror=window.pwned=3>`
)

var hostileNames = []string{nameScript, nameFunc, nameImg}

// built is a briefing built and written to disk. The package's tests
// share each one: nothing may change it.
type built struct {
	Name     string                  // for messages: "the example", …
	Out      string                  // absolute path of the written output
	Pages    []string                // the output's HTML pages, slash-separated, in name order
	RowPages []string                // those made one per row of a table, in name order
	Config   *config.Site            // the briefing's site.toml
	Tables   map[string]*table.Table // loaded tables and query results
	Site     []site.Page             // the prepared pages, in the build's order (for the PDF)
	files    site.Files              // the output, for the single-file edition
}

// html returns a page of the output as written.
func (b *built) html(t *testing.T, page string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(b.Out, filepath.FromSlash(page)))
	if err != nil {
		t.Fatalf("%s: %v", b.Name, err)
	}
	return string(src)
}

var exampleBuild, exampleStaticBuild, examplePublishedBuild, hostileBuild once[*built]

// exampleSite is the example built without static chart images, as the
// browser tests have always built it.
func exampleSite(t *testing.T) *built {
	t.Helper()
	return exampleBuild.get(t, func() (*built, error) {
		return buildSite("the example", exampleDir, build.Options{})
	})
}

// exampleStaticSite is the example built as `briefing build` does: with a
// static SVG image of every chart (for print and for readers without
// JavaScript), drawn by the same chart-image service (without its cache).
func exampleStaticSite(t *testing.T) *built {
	t.Helper()
	return exampleStaticBuild.get(t, func() (*built, error) {
		js, err := pinnedECharts()
		if err != nil {
			return nil, err
		}
		images := chartimage.New(chartimage.Options{Off: true, Workers: 2})
		defer images.Close()
		b, err := buildSite("the example with static images", exampleDir, build.Options{ECharts: js, Images: images})
		if err != nil {
			return nil, err
		}
		if n := strings.Count(string(b.files["index.html"]), `class="chart-print"`); n == 0 {
			return nil, fmt.Errorf("the static build drew no chart images (no img.chart-print on index.html)")
		}
		return b, nil
	})
}

// publishedURL is the base_url the published example is built with.
const publishedURL = "https://briefing.example/cloud-ai/"

// examplePublishedSite is the example as published: with a base_url
// (publishedURL), which adds the sitemap, robots.txt and the link-preview
// images, and with the static chart images.
func examplePublishedSite(t *testing.T) *built {
	t.Helper()
	return examplePublishedBuild.get(t, func() (*built, error) {
		js, err := pinnedECharts()
		if err != nil {
			return nil, err
		}
		images := chartimage.New(chartimage.Options{Off: true, Workers: 2})
		defer images.Close()
		return buildSite("the published example", exampleDir, build.Options{ECharts: js, Images: images, BaseURL: publishedURL})
	})
}

// hostileSite is testdata/hostile, built with the repository's pinned
// ECharts, since the test site has no node_modules of its own.
func hostileSite(t *testing.T) *built {
	t.Helper()
	return hostileBuild.get(t, func() (*built, error) {
		js, err := pinnedECharts()
		if err != nil {
			return nil, err
		}
		return buildSite("the hostile briefing", hostileDir, build.Options{ECharts: js})
	})
}

// singleFile returns the single-file edition of a build: page path → HTML.
func singleFile(t *testing.T, b *built) map[string][]byte {
	t.Helper()
	files, err := build.SingleFile(b.files)
	if err != nil {
		t.Fatalf("%s: the single-file edition: %v", b.Name, err)
	}
	return files
}

// mailEdition is an email edition written as `briefing email` writes it.
type mailEdition struct {
	Dir string // index.html (images by cid:), preview.html (images as files), images/, briefing.eml
}

var exampleEmailBuild once[*mailEdition]

// exampleEmail is the example's email edition, with its charts drawn as
// PNGs by the chart-image service (without its cache), written to a
// temporary folder.
func exampleEmail(t *testing.T) *mailEdition {
	t.Helper()
	return exampleEmailBuild.get(t, func() (*mailEdition, error) {
		js, err := pinnedECharts()
		if err != nil {
			return nil, err
		}
		images := chartimage.New(chartimage.Options{Off: true, Workers: 2})
		defer images.Close()
		abs, err := filepath.Abs(exampleDir)
		if err != nil {
			return nil, err
		}
		root, err := os.OpenRoot(abs)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		res, err := build.Build(root.FS(), build.Options{ECharts: js, Images: images, SkipStatic: true})
		if err != nil {
			return nil, fmt.Errorf("building the example for its email: %v", err)
		}
		batch, err := email.Compose(email.Request{Config: res.Config, Pages: res.SitePages, Tables: res.Tables,
			Figures: res.Figures, Draw: res.Images})
		if err == nil {
			err = batch.Seal(time.Unix(1648771200, 0).UTC())
		}
		if err != nil {
			return nil, fmt.Errorf("composing the example's email: %v", err)
		}
		dir, err := tempDir("email")
		if err != nil {
			return nil, err
		}
		if err := build.Write(filepath.Join(dir, "email"), batch.Files()); err != nil {
			return nil, err
		}
		return &mailEdition{Dir: filepath.Join(dir, "email")}, nil
	})
}

// pinnedECharts reads the ECharts that npm ci installed at the repository
// root.
func pinnedECharts() ([]byte, error) {
	p := filepath.Join(exampleDir, filepath.FromSlash(build.EChartsDefault))
	js, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("ECharts %s is not installed at %s (run `npm ci` at the repository root): %v", build.EChartsVersion, p, err)
	}
	return js, nil
}

// buildSite builds the briefing in dir through an os.Root, as the CLI does,
// and writes it to a fresh temporary folder that lives until every test
// has run.
func buildSite(name, dir string, opt build.Options) (*built, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("opening the site %s: %v", abs, err)
	}
	defer root.Close()
	res, err := build.Build(root.FS(), opt)
	if err != nil {
		return nil, fmt.Errorf("building the site %s: %v", abs, err)
	}
	tmp, err := tempDir("out")
	if err != nil {
		return nil, err
	}
	out := filepath.Join(tmp, "out")
	if err := build.Write(out, res.Files); err != nil {
		return nil, fmt.Errorf("writing the output of %s to %s: %v", abs, out, err)
	}
	pages, err := writtenPages(out)
	if err != nil {
		return nil, err
	}
	var rows []string
	for _, p := range res.SitePages {
		if !p.InNav {
			rows = append(rows, p.Path)
		}
	}
	slices.Sort(rows)
	return &built{Name: name, Out: out, Pages: pages, RowPages: rows, Config: res.Config, Tables: res.Tables, Site: res.SitePages, files: res.Files}, nil
}

// writtenPages lists the HTML files under out, slash-separated, in name
// order.
func writtenPages(out string) ([]string, error) {
	var pages []string
	err := fs.WalkDir(os.DirFS(out), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".html" {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing the pages written to %s: %v", out, err)
	}
	slices.Sort(pages)
	return pages, nil
}
