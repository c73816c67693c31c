package chartimage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/site"
)

// echarts returns the pinned echarts.min.js that npm ci installs.
func echarts(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatalf("ECharts is not installed (run `npm ci` at the repository root): %v", err)
	}
	return b
}

// option is a small bar chart whose values are vals.
func option(vals ...int) []byte {
	cats, data := make([]string, len(vals)), make([]string, len(vals))
	for i, v := range vals {
		cats[i], data[i] = fmt.Sprintf("%q", fmt.Sprint("c", i)), fmt.Sprint(v)
	}
	return fmt.Appendf(nil, `{"xAxis":{"type":"category","data":[%s]},"yAxis":{"type":"value"},`+
		`"series":[{"type":"bar","name":"spend","data":[%s]}],`+
		`"briefing":{"currency":"USD","group":",","decimal":".","seriesFormats":["money"],"axisFormats":["money"]}}`,
		strings.Join(cats, ","), strings.Join(data, ","))
}

var (
	svgReq = Request{Option: option(3, 1, 2), Width: 400, Height: 240}
	pngReq = Request{Option: option(3, 1, 2), Width: 300, Height: 200, Scale: 2}
)

// draw opens a session on a new service over dir (a new build process)
// and draws reqs, failing the test on any error.
func draw(t *testing.T, opt Options, ec []byte, reqs ...Request) ([][]byte, Stats) {
	t.Helper()
	if opt.Workers == 0 {
		opt.Workers = 2
	}
	svc := New(opt)
	defer svc.Close()
	imgs, errs := svc.Session(Source{ECharts: ec}).Draw(reqs)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if len(imgs[i]) == 0 {
			t.Fatalf("image %d is empty", i)
		}
	}
	return imgs, svc.Stats()
}

func TestHitStartsNoEngine(t *testing.T) {
	ec, dir := echarts(t), t.TempDir()
	first, st := draw(t, Options{Dir: dir}, ec, svgReq, pngReq)
	if st.Compiles != 1 || st.Drawn != 3 || st.Hits != 0 { // the PNG's SVG is drawn and kept too
		t.Fatalf("cold cache: %+v, want 1 compile, 3 drawn, 0 hits", st)
	}
	again, st := draw(t, Options{Dir: dir}, ec, svgReq, pngReq)
	if st.Compiles != 0 || st.Drawn != 0 || st.Hits != 2 {
		t.Fatalf("warm cache: %+v, want no compile, nothing drawn, 2 hits", st)
	}
	for i := range first {
		if !bytes.Equal(first[i], again[i]) {
			t.Errorf("image %d from the cache differs from the one drawn", i)
		}
	}
	if !bytes.HasPrefix(again[0], []byte("<svg")) || !bytes.HasPrefix(again[1], []byte("\x89PNG")) {
		t.Errorf("images are not an SVG and a PNG: %.20q, %.20q", again[0], again[1])
	}
}

func TestNoCacheDrawsAndWritesNothing(t *testing.T) {
	ec, dir := echarts(t), t.TempDir()
	cached, _ := draw(t, Options{Dir: dir}, ec, svgReq)
	fresh, st := draw(t, Options{Dir: dir, Off: true}, ec, svgReq)
	if st.Hits != 0 || st.Drawn != 1 || st.Compiles != 1 {
		t.Errorf("--no-cache: %+v, want the image drawn", st)
	}
	if !bytes.Equal(cached[0], fresh[0]) {
		t.Error("an image drawn without the cache differs from the cached one")
	}
	empty := t.TempDir()
	draw(t, Options{Default: empty, Off: true}, ec, svgReq)
	if list, _ := os.ReadDir(empty); len(list) != 0 {
		t.Errorf("--no-cache wrote %d files into the cache folder", len(list))
	}
}

func TestEveryInputIsInTheKey(t *testing.T) {
	ec, dir := echarts(t), t.TempDir()
	draw(t, Options{Dir: dir}, ec, svgReq)
	wider := svgReq
	wider.Width++
	taller := svgReq
	taller.Height++
	changed := svgReq
	changed.Option = option(3, 1, 4)
	cases := []struct {
		name   string
		opt    Options
		ec     []byte
		req    Request
		engine bool // the miss needs ECharts (a PNG may come from a cached SVG)
	}{
		{"option", Options{Dir: dir}, ec, changed, true},
		{"width", Options{Dir: dir}, ec, wider, true},
		{"height", Options{Dir: dir}, ec, taller, true},
		{"scale", Options{Dir: dir}, ec, Request{Option: svgReq.Option, Width: svgReq.Width, Height: svgReq.Height, Scale: 1}, false},
		{"ECharts file", Options{Dir: dir}, append(append([]byte{}, ec...), "\n// another build\n"...), svgReq, true},
		{"chart script", Options{Dir: dir, ChartScript: append(site.ChartScript(), "\n// edited\n"...)}, ec, svgReq, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, st := draw(t, c.opt, c.ec, c.req)
			if st.Drawn == 0 || c.engine && st.Hits != 0 {
				t.Errorf("a changed %s was not a miss: %+v", c.name, st)
			}
			if c.engine && st.Compiles != 1 {
				t.Errorf("a changed %s compiled ECharts %d times", c.name, st.Compiles)
			}
		})
	}
	_, st := draw(t, Options{Dir: dir}, ec, svgReq)
	if st.Hits != 1 || st.Compiles != 0 {
		t.Errorf("the unchanged request missed after the others: %+v", st)
	}
}

// entry returns the path of the one cache entry ending in ext.
func entry(t *testing.T, dir, ext string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "charts", "*"+ext))
	if len(m) != 1 {
		t.Fatalf("%d cache entries *%s in %s, want 1", len(m), ext, dir)
	}
	return m[0]
}

func TestCorruptEntryIsRedrawn(t *testing.T) {
	ec := echarts(t)
	damage := map[string]func([]byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"one bit":   func(b []byte) []byte { b[len(b)-10] ^= 1; return b },
		"no header": func(b []byte) []byte { _, img, _ := bytes.Cut(b, []byte("\n")); return img },
		"empty":     func([]byte) []byte { return nil },
		"valid but bad": func([]byte) []byte {
			return encode([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			want, _ := draw(t, Options{Dir: dir}, ec, svgReq)
			p := entry(t, dir, ".svg")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f(b), 0o644); err != nil {
				t.Fatal(err)
			}
			got, st := draw(t, Options{Dir: dir}, ec, svgReq)
			if st.Rejected != 1 || st.Drawn != 1 || st.Hits != 0 {
				t.Errorf("%+v, want the entry rejected and drawn again", st)
			}
			if !bytes.Equal(got[0], want[0]) {
				t.Error("the redrawn image differs from the first one")
			}
			if _, st := draw(t, Options{Dir: dir}, ec, svgReq); st.Hits != 1 {
				t.Errorf("the redrawn entry was not stored: %+v", st)
			}
		})
	}
	t.Run("png of another size", func(t *testing.T) {
		dir := t.TempDir()
		draw(t, Options{Dir: dir}, ec, pngReq)
		small := pngReq
		small.Scale = 1
		other, _ := draw(t, Options{Dir: t.TempDir()}, ec, small)
		if err := os.WriteFile(entry(t, dir, ".png"), encode(other[0]), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, st := draw(t, Options{Dir: dir}, ec, pngReq); st.Rejected != 1 || st.Hits != 1 {
			// the PNG is rejected, and drawn again from the cached SVG
			t.Errorf("%+v, want the PNG rejected and redrawn from the cached SVG", st)
		}
	})
}

// TestConcurrentBuilds runs two services (two builds) at once on one cache
// folder: both succeed with the same images.
func TestConcurrentBuilds(t *testing.T) {
	ec, dir := echarts(t), t.TempDir()
	reqs := []Request{svgReq, pngReq}
	for i := range 6 {
		reqs = append(reqs, Request{Option: option(i, 2*i, 7), Width: 320, Height: 200})
	}
	var wg sync.WaitGroup
	out := make([][][]byte, 2)
	errs := make([][]error, 2)
	for b := range out {
		wg.Go(func() {
			svc := New(Options{Dir: dir, Workers: 2})
			defer svc.Close()
			out[b], errs[b] = svc.Session(Source{ECharts: ec}).Draw(reqs)
		})
	}
	wg.Wait()
	for b := range out {
		for i := range reqs {
			if errs[b][i] != nil {
				t.Fatalf("build %d, image %d: %v", b, i, errs[b][i])
			}
			if !bytes.Equal(out[b][i], out[0][i]) {
				t.Errorf("image %d differs between the builds", i)
			}
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "charts", ".tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %q", left)
	}
	if _, st := draw(t, Options{Dir: dir}, ec, reqs...); st.Hits != int64(len(reqs)) || st.Rejected != 0 {
		t.Errorf("after the two builds: %+v, want every image a hit", st)
	}
}

// TestPruneKeepsWhatTheBuildUsed fills a cache past its bound: the oldest
// entries this session did not use go; the ones it used stay.
func TestPruneKeepsWhatTheBuildUsed(t *testing.T) {
	ec, dir := echarts(t), t.TempDir()
	var old []Request
	for i := range 4 {
		old = append(old, Request{Option: option(i+1, 5), Width: 200, Height: 150})
	}
	draw(t, Options{Dir: dir}, ec, old...)
	entries, _ := filepath.Glob(filepath.Join(dir, "charts", "*.svg"))
	var size int64
	for i, p := range entries {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size += info.Size()
		past := time.Now().Add(-time.Duration(10-i) * time.Hour)
		os.Chtimes(p, past, past)
	}
	// Room for about two more entries: the new one and one old one that
	// this session reads stay, most of the rest must go.
	svc := New(Options{Dir: dir, Workers: 1})
	defer svc.Close()
	ss := svc.Session(Source{ECharts: ec, MaxBytes: size / 2})
	if _, errs := ss.Draw([]Request{old[0], {Option: option(9, 9), Width: 200, Height: 150}}); errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if st := svc.Stats(); st.Hits != 1 || st.Drawn != 1 {
		t.Fatalf("%+v, want one hit and one drawn", st)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "charts", "*.svg"))
	if len(left) > 3 || len(left) < 2 {
		t.Errorf("%d entries left after pruning to half of 4, want 2 or 3", len(left))
	}
	if _, st := draw(t, Options{Dir: dir}, ec, old[0]); st.Hits != 1 {
		t.Error("pruning removed an entry the build used")
	}
}

func TestCacheFolderChoice(t *testing.T) {
	site, flag, def := t.TempDir(), t.TempDir(), t.TempDir()
	cases := []struct {
		opt  Options
		toml string
		want string
	}{
		{Options{Dir: flag, Default: def, Site: site}, ".cache", flag},
		{Options{Default: def, Site: site}, ".cache", filepath.Join(site, ".cache")},
		{Options{Default: def, Site: site}, flag, flag},
		{Options{Default: def, Site: site}, "", def},
		{Options{Dir: flag, Default: def, Site: site, Off: true}, ".cache", ""},
		{Options{Site: site}, "", ""},
	}
	for _, c := range cases {
		if got := New(c.opt).Session(Source{Dir: c.toml}).Dir(); got != c.want {
			t.Errorf("%+v with site.toml %q: cache %q, want %q", c.opt, c.toml, got, c.want)
		}
	}
}

func TestNoEChartsNoImages(t *testing.T) {
	svc := New(Options{Default: t.TempDir()})
	_, errs := svc.Session(Source{}).Draw([]Request{svgReq})
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "pinned ECharts") {
		t.Errorf("drawing without ECharts: %v", errs[0])
	}
	if st := svc.Stats(); st.Compiles != 0 {
		t.Errorf("%+v", st)
	}
}

func TestUnwritableExplicitFolderIsAProblem(t *testing.T) {
	ec := echarts(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	svc := New(Options{Dir: file, Workers: 1})
	defer svc.Close()
	ss := svc.Session(Source{ECharts: ec})
	if _, errs := ss.Draw([]Request{svgReq}); errs[0] != nil {
		t.Fatalf("an unwritable cache stopped the image: %v", errs[0])
	}
	if ss.Problem() == nil {
		t.Error("an unwritable --cache-dir was not reported")
	}
	quiet := New(Options{Default: file, Workers: 1})
	defer quiet.Close()
	qs := quiet.Session(Source{ECharts: ec})
	qs.Draw([]Request{svgReq})
	if qs.Problem() != nil {
		t.Errorf("an unwritable default cache was reported: %v", qs.Problem())
	}
}
