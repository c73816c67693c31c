package build

import (
	"fmt"
	"html/template"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/benchgen"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// Benchmarks of the generated sites of docs/benchmarks/scale.md, in
// process: whole builds (BenchmarkBuildPages, BenchmarkBuildRows) and the
// stages of a content-heavy build (BenchmarkPageStages). The whole-process
// figures, with Hugo beside them, come from docs/benchmarks/run.sh.
//
//	go test ./internal/build -run '^$' -bench 'BuildPages|PageStages' -benchmem
//	go test ./internal/build -run '^$' -bench 'BuildPages/10000' -cpuprofile cpu.out -memprofile mem.out

// mapFS holds generated files in memory.
func mapFS(files benchgen.Files) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// discard is a Writer that keeps nothing, so a benchmark measures the
// build and not a disk; it counts what it was given.
type discard struct{ files, bytes atomic.Int64 }

func (d *discard) WriteFile(name string, data []byte) error {
	d.files.Add(1)
	d.bytes.Add(int64(len(data)))
	return nil
}

func toDiscard(d *discard) func(*config.Site) (site.Writer, error) {
	return func(*config.Site) (site.Writer, error) { return d, nil }
}

// BenchmarkBuildPages builds N generated pages of about 600 words, with
// one page reading a 1,000-row CSV into a table and a chart (its image
// not drawn: see BenchmarkBuildRows for images).
func BenchmarkBuildPages(b *testing.B) {
	echarts := echartsForTest(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			fsys := mapFS(benchgen.Pages(n))
			var out discard
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(fsys, Options{ECharts: echarts, Output: toDiscard(&out)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.bytes.Load())/float64(b.N)/1e6, "MB-out/op")
		})
	}
}

// BenchmarkBuildRows builds 1,000 pages made per row, one chart each,
// with the chart images' cache warm (the first build, untimed, fills it).
func BenchmarkBuildRows(b *testing.B) {
	echarts := echartsForTest(b)
	fsys := mapFS(benchgen.Rows(1000))
	svc := chartimage.New(chartimage.Options{Dir: b.TempDir(), Workers: 2})
	defer svc.Close()
	var out discard
	if _, err := Build(fsys, Options{ECharts: echarts, Images: svc, Output: toDiscard(&out)}); err != nil {
		b.Fatal(err)
	}
	before := svc.Stats()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(fsys, Options{ECharts: echarts, Images: svc, Output: toDiscard(&out)}); err != nil {
			b.Fatal(err)
		}
	}
	if st := svc.Stats(); st.Drawn != before.Drawn {
		b.Errorf("warm builds drew %d images", st.Drawn-before.Drawn)
	}
}

// BenchmarkPageStages times the stages of a build of 10,000 generated
// pages one by one: config and tables, SQL and figures, the page stage
// (parsing and binding every content file, sections) and rendering. Each
// stage's input is made once, outside the timing.
func BenchmarkPageStages(b *testing.B) {
	fsys := mapFS(benchgen.Pages(10000))
	cfg, pin, set := stageInputs(b, fsys)
	b.Run("tables", func(b *testing.B) {
		for b.Loop() {
			if _, err := loadTables(fsys, cfg, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("figures", func(b *testing.B) {
		for b.Loop() {
			db, err := query.Open(pin.Tables)
			if err != nil {
				b.Fatal(err)
			}
			if _, err = figure.Load(fsys, db, checkFormat); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("pages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := page.Prepare(fsys, pin); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("render", func(b *testing.B) {
		tmpl, err := site.LoadTemplates(fsys)
		if err != nil {
			b.Fatal(err)
		}
		in := site.Input{Config: cfg, Pages: set.Pages, Nav: set.Nav, Funcs: template.FuncMap{"fig": set.Figures.Show}}
		b.ReportAllocs()
		for b.Loop() {
			if err := site.Render(tmpl, in, &discard{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// stageInputs runs the stages of a build once, as Build does.
func stageInputs(b *testing.B, fsys fstest.MapFS) (*config.Site, page.Input, *page.Set) {
	cfg, err := config.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	var pin page.Input
	if pin.Tables, err = loadTables(fsys, cfg, Options{}); err != nil {
		b.Fatal(err)
	}
	db, err := query.Open(pin.Tables)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if pin.Figures, err = figure.Load(fsys, db, checkFormat); err != nil {
		b.Fatal(err)
	}
	if pin.Format, err = format.New(format.Options{Currency: cfg.Currency, Locale: cfg.Locale}); err != nil {
		b.Fatal(err)
	}
	if pin.Charts, err = loadChartSpecs(fsys); err != nil {
		b.Fatal(err)
	}
	if pin.Views, err = tableview.LoadSpecs(fsys); err != nil {
		b.Fatal(err)
	}
	set, err := page.Prepare(fsys, pin)
	if err != nil {
		b.Fatal(err)
	}
	return cfg, pin, set
}
