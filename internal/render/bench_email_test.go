package render_test

import (
	"cmp"
	"crypto/sha256"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/email"
	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/render/raster"
	"github.com/briefing-dev/briefing/internal/site"
)

// Benchmarks of the static charts on the example briefing at the
// repository root: each chart's SVG (render.Renderer.SVG at the size the
// build draws it, build.StaticWidth × the chart's height) and the PNG of
// that SVG at scale 2 (raster.PNG, as the email edition draws it); the
// cost of a renderer's first chart; every image a build draws; and the
// email edition's images. They draw with the ECharts builds draw with
// (render.Drawing: the drawing build when `npm ci` made it);
// BenchmarkExampleStatic also times the whole echarts.min.js. Besides wall
// time they report the process's CPU time (cpu-ms/op, cpu-ms/chart), which
// a shared machine disturbs less. Results are in
// docs/benchmarks/static-charts.md.

var (
	exampleOnce sync.Once
	exampleRes  *build.Result
	exampleEC   []byte
	exampleErr  error
)

// example builds the example briefing in-process, without static charts.
func example(tb testing.TB) (*build.Result, []byte) {
	tb.Helper()
	exampleOnce.Do(func() {
		exampleEC, exampleErr = os.ReadFile("../../node_modules/echarts/dist/echarts.min.js")
		if exampleErr != nil {
			return
		}
		root, err := os.OpenRoot("../..")
		if err != nil {
			exampleErr = err
			return
		}
		defer root.Close()
		exampleRes, exampleErr = build.Build(root.FS(), build.Options{ECharts: exampleEC})
	})
	if exampleErr != nil {
		tb.Fatalf("building the example (ECharts installed? run `npm ci`): %v", exampleErr)
	}
	return exampleRes, exampleEC
}

// exampleCharts returns one chart per name, in name order (for a chart
// made per row, the binding of the last page that places it).
func exampleCharts(tb testing.TB) []*chart.Chart {
	res, _ := example(tb)
	var list []*chart.Chart
	for _, c := range res.Charts {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *chart.Chart) int { return cmp.Compare(a.Name, b.Name) })
	return list
}

// placed returns every chart the example's pages place, one per distinct
// option, as the build draws them (drawStatic).
func placed(tb testing.TB) []*chart.Chart {
	res, _ := example(tb)
	seen := map[[32]byte]bool{}
	var list []*chart.Chart
	for _, p := range res.SitePages {
		for _, name := range p.Doc.Charts {
			c := p.Charts[name]
			sum := sha256.Sum256(c.Option)
			if !seen[sum] {
				seen[sum] = true
				list = append(list, c)
			}
		}
	}
	return list
}

// newRenderer makes a renderer on the ECharts a build of the example
// draws with.
func newRenderer(tb testing.TB, workers int) *render.Renderer {
	tb.Helper()
	_, ec := example(tb)
	return newRendererOn(tb, render.Drawing(os.DirFS("../.."), ec), workers)
}

func newRendererOn(tb testing.TB, ec []byte, workers int) *render.Renderer {
	tb.Helper()
	r, err := render.New(ec, site.ChartScript(), workers)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkExampleCompile is render.New: compiling echarts.min.js, the
// chart script and the glue (no runtime yet).
func BenchmarkExampleCompile(b *testing.B) {
	_, whole := example(b)
	for _, build := range []struct {
		name string
		ec   []byte
	}{{"whole", whole}, {"drawing", render.Drawing(os.DirFS("../.."), whole)}} {
		b.Run(build.name, func(b *testing.B) {
			start := render.ProcessCPU()
			for b.Loop() {
				r, err := render.New(build.ec, site.ChartScript(), 1)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			render.ReportCPU(b, start, 0)
		})
	}
}

// BenchmarkExampleFirstSVG is a new renderer's first chart: compiling,
// creating a goja runtime and running ECharts in it, then drawing the
// first chart by name (concentration). Compare with its warm time in
// BenchmarkExampleSVG.
func BenchmarkExampleFirstSVG(b *testing.B) {
	c := exampleCharts(b)[0]
	start := render.ProcessCPU()
	for b.Loop() {
		r := newRenderer(b, 1)
		if _, err := r.SVG(c.Option, build.StaticWidth, c.Height); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	render.ReportCPU(b, start, 1)
}

// BenchmarkExampleSVG is each chart's SVG on a warm renderer, at the size
// the build draws it.
func BenchmarkExampleSVG(b *testing.B) {
	r := newRenderer(b, 1)
	defer r.Close()
	for _, c := range exampleCharts(b) {
		svg, err := r.SVG(c.Option, build.StaticWidth, c.Height) // warm-up
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.Name, func(b *testing.B) {
			start := render.ProcessCPU()
			for b.Loop() {
				if _, err := r.SVG(c.Option, build.StaticWidth, c.Height); err != nil {
					b.Fatal(err)
				}
			}
			render.ReportCPU(b, start, 1)
			b.ReportMetric(float64(len(svg))/1024, "svg-KB")
		})
	}
}

// BenchmarkExamplePNG is the PNG of each chart's SVG (drawn once, at the
// build's size) at scale 2: 1600 pixels wide.
func BenchmarkExamplePNG(b *testing.B) {
	r := newRenderer(b, 1)
	defer r.Close()
	for _, c := range exampleCharts(b) {
		svg, err := r.SVG(c.Option, build.StaticWidth, c.Height)
		if err != nil {
			b.Fatal(err)
		}
		png, err := raster.PNG(svg, 2)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := raster.PNG(svg, 2); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(png))/1024, "png-KB")
		})
	}
}

// BenchmarkExampleStatic draws every chart the example places (17
// images: 8 charts and one per customer page), as build.Options.Static
// does, on a warm renderer: what the static images add to a build, besides
// the first chart's start-up. build=whole draws with the whole
// echarts.min.js, as builds did before the drawing build.
func BenchmarkExampleStatic(b *testing.B) {
	list := placed(b)
	_, whole := example(b)
	for _, bc := range []struct {
		name    string
		ec      []byte
		workers int
	}{
		{"build=drawing/workers=1", render.Drawing(os.DirFS("../.."), whole), 1},
		{"build=drawing/workers=2", render.Drawing(os.DirFS("../.."), whole), 2},
		{"build=whole/workers=1", whole, 1},
	} {
		workers := bc.workers
		b.Run(bc.name, func(b *testing.B) {
			r := newRendererOn(b, bc.ec, workers)
			defer r.Close()
			draw := func(c *chart.Chart) {
				if _, err := r.SVG(c.Option, build.StaticWidth, c.Height); err != nil {
					b.Error(err)
				}
			}
			all := func() {
				if workers == 1 {
					for _, c := range list {
						draw(c)
					}
					return
				}
				var wg sync.WaitGroup
				for _, c := range list {
					wg.Go(func() { draw(c) })
				}
				wg.Wait()
			}
			all() // warm-up: create every runtime
			start := render.ProcessCPU()
			for b.Loop() {
				all()
			}
			render.ReportCPU(b, start, len(list))
			b.ReportMetric(float64(len(list)), "charts")
		})
	}
}

// BenchmarkExampleEmailImages makes the example's email edition
// (email.Make over the pages in [email]) with its charts drawn as
// briefing email draws them: SVG at email.ChartWidth, then PNG at scale
// 2, on a warm renderer.
func BenchmarkExampleEmailImages(b *testing.B) {
	res, _ := example(b)
	r := newRenderer(b, 1)
	defer r.Close()
	images := 0
	draw := drawFunc(func(reqs []chartimage.Request) ([][]byte, []error) {
		pngs, errs := make([][]byte, len(reqs)), make([]error, len(reqs))
		for i, q := range reqs {
			images++
			svg, err := r.SVG(q.Option, q.Width, q.Height)
			if err != nil {
				errs[i] = err
				continue
			}
			pngs[i], errs[i] = raster.PNG(svg, q.Scale)
		}
		return pngs, errs
	})
	if _, err := email.Make(res.Config, res.SitePages, "benchmark", draw); err != nil { // warm-up
		b.Fatal(err)
	}
	images = 0
	for b.Loop() {
		if _, err := email.Make(res.Config, res.SitePages, "benchmark", draw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(images)/float64(b.N), "charts/op")
}

// drawFunc is an email.Drawer made of a function.
type drawFunc func([]chartimage.Request) ([][]byte, []error)

func (f drawFunc) Draw(reqs []chartimage.Request) ([][]byte, []error) { return f(reqs) }
