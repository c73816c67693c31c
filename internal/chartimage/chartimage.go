// Package chartimage is the one place chart images are made: the SVG of
// every chart on the site's pages (print, readers without JavaScript, the
// single-file edition), the PNGs of the email edition, and whatever later
// editions ask for. Nothing else runs ECharts outside a browser.
//
// A Service lives as long as the process (briefing serve keeps one across
// rebuilds). Each build opens a Session with the ECharts it found (the way
// the build finds it: BRIEFING_ECHARTS, [assets] echarts in site.toml, else
// node_modules/echarts/dist/echarts.min.js, always checked against the pin)
// and asks it for images: a chart's option at a size, as SVG, or as PNG at
// a scale. The session returns each image from the persistent cache when it
// is there and draws the others in parallel. ECharts is compiled (package
// render) on the first image that is not in the cache, never before: a
// build whose charts did not change, or that has no chart, starts no
// JavaScript engine. Stats counts what happened, for tests and
// measurements.
//
// # The cache
//
// An entry is named by the SHA-256 of everything its image depends on: the
// option JSON, the size, the format and scale, the ECharts file, the chart
// script, the fonts (fonts.Set.Fingerprint: the site's font files and the
// system's font folders) and the renderer's Version. Any change to one of them is a miss;
// nothing is ever invalidated by time. An entry is a file holding one
// header line (its length and the SHA-256 of its bytes) and the image: the
// sanitised SVG, or the PNG. On reading, an entry whose header, length or
// checksum is wrong, an SVG that fails render.Sanitize, or a PNG of the
// wrong size is drawn again and overwritten, never served.
//
// Entries are written to a temporary file in the same folder and renamed
// into place, so two builds sharing a cache each see either no entry or a
// whole one; both may draw the same image, and the second rename leaves the
// same bytes. The cache is bounded (Options.MaxBytes, DefaultMaxBytes by
// default): after a session writes, when the folder holds more, the entries
// least recently used that this session did not use are removed until it
// fits. A session never removes what it used, so one build larger than the
// bound keeps all of its images.
package chartimage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"

	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/render/fonts"
	"github.com/briefing-dev/briefing/internal/render/raster"
	"github.com/briefing-dev/briefing/internal/site"
)

// Version is the renderer's version in every cache key. Bump it whenever
// package render or package raster would draw the same option differently:
// entries drawn by an older version are then never read again (and are
// pruned as the cache fills).
const Version = "4" // 2: fallback fonts for characters the Go fonts lack; 3: no toolbox hit area, drawn with the drawing build; 4: text fitted to its measured width (textLength)

// DefaultMaxBytes bounds the cache folder when site.toml does not:
// 256 MiB, about 5,000 chart images.
const DefaultMaxBytes = 256 << 20

// Options configure a Service.
type Options struct {
	// Dir is the cache folder chosen on the command line (--cache-dir) or
	// by the environment (BRIEFING_CACHE_DIR); it wins over site.toml.
	Dir string
	// Default is the folder used when neither Dir nor site.toml names one,
	// normally os.UserCacheDir()/briefing. Empty: no cache by default.
	Default string
	// Site is the site folder: a relative folder in site.toml is taken
	// relative to it.
	Site string
	// Off bypasses the cache (--no-cache): every image is drawn.
	Off bool
	// Workers bounds how many images are drawn at once (at least one).
	Workers int
	// ChartScript replaces the site's chart script (briefing.js), for
	// tests.
	ChartScript []byte
}

// Request asks for one image of a chart.
type Request struct {
	Option        []byte // the chart's ECharts option as internal/chart built it
	Width, Height int    // CSS pixels
	// Scale is 0 for an SVG, or the scale of a PNG (2 for email: the PNG
	// has twice as many pixels each way).
	Scale float64
}

// Stats counts what a Service did since it was made.
type Stats struct {
	Hits     int64 // images read from the cache
	Drawn    int64 // images drawn: SVGs by ECharts, PNGs from an SVG
	Rejected int64 // corrupt or truncated entries, drawn again
	Compiles int64 // times ECharts was compiled, that is JavaScript engines started
}

// Service makes chart images. It is safe for concurrent use.
type Service struct {
	opt       Options
	script    []byte
	scriptSum [32]byte

	mu       sync.Mutex
	renderer *render.Renderer // nil until the first miss
	rSum     [32]byte         // the ECharts the renderer runs

	hits, drawn, rejected, compiles atomic.Int64
}

// New returns a service. It starts nothing: ECharts is compiled when an
// image is first missing from the cache.
func New(opt Options) *Service {
	if opt.Workers < 1 {
		opt.Workers = 1
	}
	script := opt.ChartScript
	if script == nil {
		script = site.ChartScript()
	}
	return &Service{opt: opt, script: script, scriptSum: sha256.Sum256(script)}
}

// Stats returns the counts so far.
func (s *Service) Stats() Stats {
	return Stats{Hits: s.hits.Load(), Drawn: s.drawn.Load(), Rejected: s.rejected.Load(), Compiles: s.compiles.Load()}
}

// Close releases the JavaScript runtimes, if any were started.
func (s *Service) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.renderer != nil {
		s.renderer.Close()
		s.renderer = nil
	}
}

// Source is what one build gives its session.
type Source struct {
	// ECharts is the pinned echarts.min.js the build found; nil when it
	// found none it can run (a site that loads ECharts from a CDN and has
	// no copy of its own), and then every request fails.
	ECharts []byte
	// Dir is the cache folder site.toml names ([cache] dir), or "".
	Dir string
	// MaxBytes bounds the cache folder; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Fonts measure and draw the text; nil means fonts.Default.
	Fonts *fonts.Set
}

// Session returns the images of one build.
func (s *Service) Session(src Source) *Session {
	ss := &Session{svc: s, echarts: src.ECharts, used: map[string]bool{}, max: src.MaxBytes, fonts: src.Fonts}
	if ss.fonts == nil {
		ss.fonts = fonts.Default()
	}
	if ss.max <= 0 {
		ss.max = DefaultMaxBytes
	}
	if src.ECharts != nil {
		ss.sum = sha256.Sum256(src.ECharts)
	}
	dir, explicit := s.opt.Dir, s.opt.Dir != ""
	if dir == "" && src.Dir != "" {
		dir, explicit = src.Dir, true
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(s.opt.Site, filepath.FromSlash(dir))
		}
	}
	if dir == "" {
		dir = s.opt.Default
	}
	if !s.opt.Off && dir != "" {
		ss.store = &store{dir: filepath.Join(dir, "charts"), explicit: explicit}
	}
	return ss
}

// Session draws and caches the images of one build. It is safe for
// concurrent use.
type Session struct {
	svc     *Service
	echarts []byte
	sum     [32]byte // of echarts
	store   *store   // nil: no persistent cache
	max     int64
	fonts   *fonts.Set

	mu      sync.Mutex
	used    map[string]bool // entries this session read or wrote
	problem error           // the first failure to write an explicitly chosen cache
}

// Dir is the cache folder the session reads and writes, or "" when it has
// none.
func (ss *Session) Dir() string {
	if ss.store == nil {
		return ""
	}
	return filepath.Dir(ss.store.dir)
}

// Fonts is the set the session measures and draws text with.
func (ss *Session) Fonts() *fonts.Set { return ss.fonts }

// CanDraw reports whether the session has an ECharts to draw with.
func (ss *Session) CanDraw() bool { return ss.echarts != nil }

// Problem reports why an explicitly chosen cache folder could not be
// written, or nil. Images are drawn either way; a folder that only the
// default named is skipped silently when it cannot be written.
func (ss *Session) Problem() error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.problem
}

var errNoECharts = errors.New("static chart images need the pinned ECharts in the site (node_modules/echarts, or [assets] echarts in site.toml, or BRIEFING_ECHARTS); a CDN copy cannot be run here")

// Draw returns the image each request asks for: images[i] answers reqs[i],
// or errs[i] says why it could not be made. Images in the cache are read;
// the others are drawn in parallel and stored.
func (ss *Session) Draw(reqs []Request) (images [][]byte, errs []error) {
	images, errs = make([][]byte, len(reqs)), make([]error, len(reqs))
	if ss.echarts == nil {
		for i := range errs {
			errs[i] = errNoECharts
		}
		return images, errs
	}
	var misses []int
	first := map[string]int{} // key → the first request asking for it
	keys := make([]string, len(reqs))
	for i, r := range reqs {
		if err := checkRequest(r); err != nil {
			errs[i] = err
			continue
		}
		keys[i] = ss.key(r)
		if _, dup := first[keys[i]]; dup {
			continue
		}
		first[keys[i]] = i
		if b, ok := ss.read(keys[i], r); ok {
			images[i] = b
			continue
		}
		misses = append(misses, i)
	}
	ss.drawAll(reqs, keys, misses, images, errs)
	for i, k := range keys {
		if j := first[k]; k != "" && j != i {
			images[i], errs[i] = images[j], errs[j]
		}
	}
	if len(misses) > 0 && ss.store != nil {
		ss.mu.Lock()
		used := maps.Clone(ss.used)
		ss.mu.Unlock()
		ss.store.prune(used, ss.max)
	}
	return images, errs
}

func checkRequest(r Request) error {
	if r.Width < 1 || r.Height < 1 || r.Width > render.MaxSize || r.Height > render.MaxSize {
		return fmt.Errorf("chart image: size %d×%d is outside 1–%d pixels", r.Width, r.Height, render.MaxSize)
	}
	if r.Scale < 0 || r.Scale > raster.MaxScale {
		return fmt.Errorf("chart image: scale %v is outside 0–%d", r.Scale, raster.MaxScale)
	}
	return nil
}

// Drawing a chart in goja makes a few MB of short-lived objects on a
// small heap, so the collector runs every few charts: a fifth of a batch's
// CPU. While a batch of at least lazyGCFrom charts is drawn, the collector
// waits for the heap to grow by up to lazyGCPercent% rather than Go's
// 100% (BenchmarkSVG: 10–12% less CPU a chart), but by no more than
// lazyGCHeadroom: on a large live heap (serve holding a big briefing) the
// setting stays as it was.
const (
	lazyGCFrom     = 16
	lazyGCPercent  = 400
	lazyGCHeadroom = 256 << 20
)

var lazyGCState struct {
	sync.Mutex
	n    int // batches drawing
	prev int // the percent before the first
}

// lazyGC raises the collector's target for as long as a batch draws, and
// returns what puts it back once the last batch has finished.
func lazyGC() func() {
	lazyGCState.Lock()
	if lazyGCState.n == 0 {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		percent := lazyGCPercent
		if live := sample[0].Value; live.Kind() == metrics.KindUint64 && live.Uint64() > 0 {
			percent = int(min(uint64(lazyGCPercent), lazyGCHeadroom*100/live.Uint64()))
		}
		lazyGCState.prev = debug.SetGCPercent(percent)
		// A GOGC already higher (or off) is left as it is.
		if lazyGCState.prev < 0 || lazyGCState.prev > percent {
			debug.SetGCPercent(lazyGCState.prev)
		}
	}
	lazyGCState.n++
	lazyGCState.Unlock()
	return func() {
		lazyGCState.Lock()
		if lazyGCState.n--; lazyGCState.n == 0 {
			debug.SetGCPercent(lazyGCState.prev)
		}
		lazyGCState.Unlock()
	}
}

// drawAll draws the requests at the indexes in todo, on up to Workers
// goroutines.
func (ss *Session) drawAll(reqs []Request, keys []string, todo []int, images [][]byte, errs []error) {
	if len(todo) >= lazyGCFrom {
		defer lazyGC()()
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(ss.svc.opt.Workers, len(todo)) {
		wg.Go(func() {
			for i := range next {
				images[i], errs[i] = ss.draw(reqs[i], keys[i])
			}
		})
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
}

// draw makes one image and stores it. A PNG is drawn from the SVG of the
// same option and size, itself from the cache when it is there.
func (ss *Session) draw(r Request, key string) ([]byte, error) {
	var img []byte
	if r.Scale == 0 {
		rd, err := ss.svc.rendererFor(ss.echarts, ss.sum)
		if err != nil {
			return nil, err
		}
		if img, err = rd.SVGWith(r.Option, r.Width, r.Height, ss.fonts); err != nil {
			return nil, err
		}
	} else {
		svgReq := Request{Option: r.Option, Width: r.Width, Height: r.Height}
		svgKey := ss.key(svgReq)
		svg, ok := ss.read(svgKey, svgReq)
		if !ok {
			var err error
			if svg, err = ss.draw(svgReq, svgKey); err != nil {
				return nil, err
			}
		}
		var err error
		if img, err = raster.PNGWith(svg, r.Scale, ss.fonts); err != nil {
			return nil, err
		}
	}
	ss.svc.drawn.Add(1)
	ss.write(key, r, img)
	return img, nil
}

// rendererFor returns the renderer running echarts (whose SHA-256 is
// sum), compiling it on first use.
func (s *Service) rendererFor(echarts []byte, sum [32]byte) (*render.Renderer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.renderer != nil && s.rSum == sum {
		return s.renderer, nil
	}
	if s.renderer != nil {
		s.renderer.Close() // another ECharts: draws under way finish
		s.renderer = nil
	}
	r, err := render.New(echarts, s.script, s.opt.Workers)
	s.compiles.Add(1)
	if err != nil {
		return nil, err
	}
	s.renderer, s.rSum = r, sum
	return r, nil
}
