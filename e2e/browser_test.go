package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// requireBrowserEnv makes a missing browser a failure instead of a skip,
// for CI machines that are meant to have one.
const requireBrowserEnv = "BRIEFING_REQUIRE_BROWSER"

// pageTimeout bounds each thing done with a page: loading it, and each
// step of checks on it. It is generous: the test never asserts on how
// long anything takes.
const pageTimeout = 60 * time.Second

// browserNames are the executables tried, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// findBrowser returns the path of a Chromium-family browser, or skips the
// test (fails it when BRIEFING_REQUIRE_BROWSER=1).
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no browser found in PATH (looked for %s); install Debian's chromium to run the browser tests", strings.Join(browserNames, ", "))
	if os.Getenv(requireBrowserEnv) == "1" {
		t.Fatalf("%s; %s=1 requires one", msg, requireBrowserEnv)
	}
	t.Skipf("%s; set %s=1 to make this a failure", msg, requireBrowserEnv)
	return ""
}

var theBrowser once[context.Context]

// browser returns the package's browser, starting it for the first test
// that needs one: headless, with a fresh profile. Each page is opened in
// a tab of its own from it. It skips the test when there is no browser
// (fails it when BRIEFING_REQUIRE_BROWSER=1).
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := findBrowser(t)
	return theBrowser.get(t, func() (context.Context, error) { return startBrowser(exe) })
}

// startBrowser starts the browser at exe; TestMain stops it.
func startBrowser(exe string) (context.Context, error) {
	profile, err := tempDir("profile")
	if err != nil {
		return nil, err
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
		// Resolve no name but loopback: a request to anywhere else is
		// still seen (and fails the test), but never leaves the machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Stop the browser before its profile is removed (stops run newest
	// first).
	shared.atExit(func() { cancelBrowser(); cancelAlloc() })
	// Start the browser here, with no timeout: a timeout on the first
	// call's context would end the whole browser.
	if err := chromedp.Do(browserCtx); err != nil {
		return nil, fmt.Errorf("starting %s: %v", exe, err)
	}
	return browserCtx, nil
}

// servers holds the loopback server of each build, made on first use.
var servers sync.Map // *built → *once[*httptest.Server]

// serve returns the HTTP server of a build's output, on loopback; it
// stops when every test has run.
func serve(t *testing.T, b *built) *httptest.Server {
	t.Helper()
	o, _ := servers.LoadOrStore(b, &once[*httptest.Server]{})
	return o.(*once[*httptest.Server]).get(t, func() (*httptest.Server, error) {
		srv := httptest.NewServer(http.FileServer(http.Dir(b.Out)))
		shared.atExit(srv.Close)
		return srv, nil
	})
}

// recorder collects what a tab reports: console errors, uncaught
// exceptions, error entries of the browser log, and every request.
type recorder struct {
	mu       sync.Mutex
	problems []string // console errors, exceptions, log errors
	warnings []string
	requests []string // URLs
}

// listen runs in the tab's message loop: it must be quick and must not
// call into the browser.
func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		msg := fmt.Sprintf("console.%s(%s)%s", ev.Type, argsText(ev.Args), where(ev.StackTrace))
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			r.problems = append(r.problems, msg)
		case runtime.ConsoleAPICalledTypeWarning:
			r.warnings = append(r.warnings, msg)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		r.problems = append(r.problems, fmt.Sprintf("uncaught exception: %s at %s:%d:%d", text, d.URL, d.LineNumber+1, d.ColumnNumber+1))
	case *log.EventEntryAdded:
		e := ev.Entry
		msg := fmt.Sprintf("browser log (%s, %s): %s %s", e.Level, e.Source, e.Text, e.URL)
		switch e.Level {
		case log.EntryLevelError:
			r.problems = append(r.problems, msg)
		case log.EntryLevelWarning:
			r.warnings = append(r.warnings, msg)
		}
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			r.requests = append(r.requests, ev.Request.URL)
		}
	}
}

func (r *recorder) snapshot() (problems, warnings, requests []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.problems), slices.Clone(r.warnings), slices.Clone(r.requests)
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a == nil:
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, ", ")
}

func where(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" at %s:%d:%d", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// tab is one page open in the browser.
type tab struct {
	ctx  context.Context // the tab's, bounded for the step under way: see use and step
	base context.Context // the tab's, until the test that opened it ends
	rec  *recorder
	url  string
	name string // the page's output path, for messages

	loaded chan struct{} // closed once the page has loaded (or failed to)
	err    error         // of loading, set before loaded is closed
}

// openPages opens each page in a tab of its own, all at once, and returns
// the tabs in the same order; they close when the test ends. Each tab runs
// the setup steps (emulation) before its page loads, so that the page's
// scripts see them from the start, then loads the page and waits for its
// charts to be ready, on its own. A test takes the tabs one by one with
// use, which reports a page that failed to load; waitForCharts then
// checks the charts, and finds them ready. Most of a page's time is
// ECharts' animation, which needs nothing from the test: pages that draw
// side by side keep the package fast.
func openPages(t *testing.T, browserCtx context.Context, pages []string, url func(page string) string, setup ...chromedp.Action[chromedp.Void]) []*tab {
	t.Helper()
	tabs := make([]*tab, len(pages))
	// When the test ends, each tab is closed (the cleanups below), and
	// then this one waits for any load still under way to give up.
	t.Cleanup(func() {
		for _, tb := range tabs {
			<-tb.loaded
		}
	})
	for i, page := range pages {
		tb := &tab{rec: &recorder{}, url: url(page), name: page, loaded: make(chan struct{})}
		// WithListener attaches the recorder before the tab's first
		// command, so nothing the page does is missed.
		ctx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithListener(tb.rec.listen))
		t.Cleanup(cancelTab)
		tb.base, tb.ctx = ctx, ctx
		go tb.load(cancelTab, setup)
		tabs[i] = tb
	}
	return tabs
}

// load makes the tab, loads the page, within pageTimeout, and waits for
// its charts to be ready. It runs on its own goroutine and reports only
// through tb.err: a chart that never gets ready is waitForCharts' to
// report.
func (tb *tab) load(closeTab func(), setup []chromedp.Action[chromedp.Void]) {
	defer close(tb.loaded)
	// The tab listens to the browser for as long as the context of its
	// first call lasts: make it on the tab's own context, and close the
	// tab if that takes too long.
	tooLong := time.AfterFunc(pageTimeout, closeTab)
	err := chromedp.Do(tb.base)
	tooLong.Stop()
	if err != nil {
		tb.err = fmt.Errorf("%s: opening a tab: %v", tb.name, err)
		return
	}
	ctx, cancel := context.WithTimeout(tb.base, pageTimeout)
	defer cancel()
	// chromedp enables the network domain when it attaches a tab; enable
	// it again explicitly, since the request check depends on it.
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{})
			return err
		}),
	}
	steps = append(steps, setup...)
	steps = append(steps, chromedp.Navigate(tb.url))
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.err = fmt.Errorf("%s: loading %s: %v", tb.name, tb.url, err)
		return
	}
	pred := fmt.Sprintf(`(() => { const s = %s; return s.every(%s); })()`, chartStateJS, readyJS)
	_, _ = chromedp.Run(ctx, chromedp.Poll[bool](pred,
		chromedp.WithPollingInterval(200*time.Millisecond),
		chromedp.WithPollingTimeout(pageTimeout*3/4)))
}

// use waits until the tab has loaded its page and fails the test if it
// could not. What the test then does with the tab is bounded by
// pageTimeout, until the test ends.
func (tb *tab) use(t *testing.T) {
	t.Helper()
	<-tb.loaded
	if tb.err != nil {
		t.Fatal(tb.err)
	}
	ctx, cancel := context.WithTimeout(tb.base, pageTimeout)
	t.Cleanup(cancel)
	tb.ctx = ctx
}

// step runs one check of an open page as a subtest, with its own
// pageTimeout.
func step(t *testing.T, tb *tab, name string, check func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		prev := tb.ctx
		defer func() { tb.ctx = prev }()
		ctx, cancel := context.WithTimeout(tb.base, pageTimeout)
		defer cancel()
		tb.ctx = ctx
		check(t)
	})
}

// openSite opens pages of a build, served over loopback, as openPages
// does.
func openSite(t *testing.T, browserCtx context.Context, b *built, pages []string, setup ...chromedp.Action[chromedp.Void]) ([]*tab, *httptest.Server) {
	t.Helper()
	srv := serve(t, b)
	tabs := openPages(t, browserCtx, pages, func(page string) string { return srv.URL + "/" + page }, setup...)
	return tabs, srv
}

// visited are the pages of the example that the browser tests open: every
// page made from a content file, and two of those made per row, since
// each of those comes from the same content file, template and chart:
// TikTok's, the account the prose is about (highlighted, with the extra
// sentence of a share over 20%), and the first by name, an ordinary one.
// Pages a test needs besides are added.
func visited(t *testing.T, b *built, also ...string) []string {
	t.Helper()
	const story = "customer/tiktok.html"
	i := slices.IndexFunc(b.RowPages, func(p string) bool { return p != story })
	if !slices.Contains(b.RowPages, story) || i < 0 {
		t.Fatalf("%s: the pages made per row are %q; the browser tests open %s and one other", b.Name, b.RowPages, story)
	}
	sample := []string{story, b.RowPages[i]}
	for _, p := range also {
		if !slices.Contains(b.Pages, p) {
			t.Fatalf("%s has no page %s (pages: %q)", b.Name, p, b.Pages)
		}
	}
	var pages []string
	for _, p := range b.Pages {
		if !slices.Contains(b.RowPages, p) || slices.Contains(sample, p) || slices.Contains(also, p) {
			pages = append(pages, p)
		}
	}
	return pages
}

// eval evaluates expr in the page and decodes its value.
func eval[T any](t *testing.T, tb *tab, what, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	return v
}

// chartState is what the page reports about one [data-chart] element.
type chartState struct {
	ID       string `json:"id"`       // the data-chart attribute: chart-NAME-option
	Instance bool   `json:"instance"` // echarts.getInstanceByDom(el) is set
	Finished bool   `json:"finished"` // its animations have ended
	Canvases int    `json:"canvases"`
	Width    int    `json:"width"` // of the largest canvas, in device pixels
	Height   int    `json:"height"`
	Pixels   int    `json:"pixels"`  // canvas pixels examined
	Inked    int    `json:"inked"`   // pixels neither transparent nor white
	Colored  int    `json:"colored"` // saturated pixels outside the legend: series colours, not grey axes and text
	Error    string `json:"error"`
}

// Chart returns the chart's name for messages: chart-NAME.
func (c chartState) Chart() string { return strings.TrimSuffix(c.ID, "-option") }

// drawn reports whether a ready chart drew its data: enough series colour
// on its canvas outside the legend. Grey axes, grid lines and labels are
// not counted, nor are the legend's swatches.
func (c chartState) drawn() bool {
	return c.Colored >= minColored(c.Pixels)
}

// minColored is the number of saturated pixels a chart needs to count as
// drawn: 0.5% of its canvas, and at least 1000 pixels.
func minColored(pixels int) int {
	return max(1000, pixels/200)
}

// chartStateJS reports a chartState for every [data-chart] element.
const chartStateJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-chart]')) {
    const r = {id: el.getAttribute('data-chart'), instance: false, finished: false, canvases: 0, width: 0, height: 0, pixels: 0, inked: 0, colored: 0, error: ''};
    try {
      const chart = typeof echarts === 'undefined' ? null : echarts.getInstanceByDom(el);
      r.instance = !!chart;
      // The condition ECharts itself checks before its 'finished' event.
      r.finished = !!chart && chart.getZr().animation.isFinished();
      // The legend's box, in CSS pixels: its colour swatches are not data.
      let legend = null;
      const legendModel = chart && chart.getModel().getComponent('legend');
      const legendView = legendModel && chart.getViewOfComponentModel(legendModel);
      if (legendView && legendView.group) {
        const g = legendView.group, b = g.getBoundingRect();
        legend = {x0: g.x + b.x - 2, y0: g.y + b.y - 2, x1: g.x + b.x + b.width + 2, y1: g.y + b.y + b.height + 2};
      }
      const canvases = el.querySelectorAll('canvas');
      r.canvases = canvases.length;
      for (const c of canvases) {
        r.width = Math.max(r.width, c.width);
        r.height = Math.max(r.height, c.height);
        if (!c.width || !c.height) continue;
        const dpr = c.width / (c.clientWidth || c.width);
        // Read a copy, so that the chart's own canvas is never read back.
        const copy = document.createElement('canvas');
        copy.width = c.width;
        copy.height = c.height;
        const ctx = copy.getContext('2d', {willReadFrequently: true});
        ctx.drawImage(c, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        r.pixels += c.width * c.height;
        for (let i = 0; i < d.length; i += 4) {
          const R = d[i], G = d[i + 1], B = d[i + 2], A = d[i + 3];
          if (A < 16 || (R > 245 && G > 245 && B > 245)) continue;
          r.inked++;
          if (Math.max(R, G, B) - Math.min(R, G, B) < 64) continue;
          const x = (i / 4) % c.width / dpr, y = Math.floor(i / 4 / c.width) / dpr;
          if (legend && x >= legend.x0 && x < legend.x1 && y >= legend.y0 && y < legend.y1) continue;
          r.colored++;
        }
      }
    } catch (e) {
      r.error = String(e);
    }
    out.push(r);
  }
  return out;
})()`

// ready reports whether the chart is ready to be looked at: an ECharts
// instance, a canvas of non-zero size, and no animation still running
// (ECharts animates, so the first frames are nearly empty).
func (c chartState) ready() bool {
	return c.Error == "" && c.Instance && c.Finished && c.Canvases > 0 && c.Width > 0 && c.Height > 0
}

// readyJS is chartState.ready in JavaScript.
const readyJS = `c => !c.error && c.instance && c.finished && c.canvases > 0 && c.width > 0 && c.height > 0`

// waitForCharts waits until every chart on the page is ready, checks that
// each drew its data, and returns their state. It fails the test, naming
// each chart and what it lacks, when a chart never gets ready or drew
// nothing.
func waitForCharts(t *testing.T, tb *tab) []chartState {
	t.Helper()
	// The predicate returns the states once every chart is ready, and
	// false (keep polling) before.
	pred := fmt.Sprintf(`(() => { const s = %s; return s.every(%s) ? s : false; })()`, chartStateJS, readyJS)
	states, err := chromedp.Run(tb.ctx, chromedp.Poll[[]chartState](pred,
		chromedp.WithPollingInterval(200*time.Millisecond),
		chromedp.WithPollingTimeout(pageTimeout*3/4)))
	if err != nil {
		if !errors.Is(err, chromedp.ErrPollingTimeout) {
			t.Fatalf("%s: waiting for the charts to draw: %v", tb.name, err)
		}
		states = eval[[]chartState](t, tb, "reading the charts' state", chartStateJS)
	}
	failed := false
	for _, c := range states {
		if c.ready() && c.drawn() {
			continue
		}
		failed = true
		switch {
		case c.Error != "":
			t.Errorf("%s: %s: reading the chart failed: %s", tb.name, c.Chart(), c.Error)
		case !c.Instance:
			t.Errorf("%s: %s: no ECharts instance on the [data-chart] element (briefing.js did not call echarts.init)", tb.name, c.Chart())
		case c.Canvases == 0 || c.Width == 0 || c.Height == 0:
			t.Errorf("%s: %s: no canvas of non-zero size (canvases %d, %dx%d)", tb.name, c.Chart(), c.Canvases, c.Width, c.Height)
		case !c.Finished:
			t.Errorf("%s: %s: the chart's animation never finished", tb.name, c.Chart())
		default:
			t.Errorf("%s: %s: the chart did not draw its data: %d pixels in series colours of %d (%d not white), want at least %d",
				tb.name, c.Chart(), c.Colored, c.Pixels, c.Inked, minColored(c.Pixels))
		}
	}
	if failed {
		tb.logProblems(t)
		t.FailNow()
	}
	return states
}

// logProblems logs what the tab recorded so far, to explain a failure
// that ends the test before checkClean runs.
func (tb *tab) logProblems(t *testing.T) {
	t.Helper()
	problems, _, _ := tb.rec.snapshot()
	for _, p := range problems {
		t.Logf("%s: the page also reported: %s", tb.name, p)
	}
}

// checkClean fails the test for every console error, exception and log
// error the tab recorded, and for every request that went anywhere but the
// test server.
func checkClean(t *testing.T, tb *tab, srv *httptest.Server) (requests []string) {
	t.Helper()
	problems, warnings, requests := tb.rec.snapshot()
	for _, p := range problems {
		if strings.Contains(p, "/favicon.ico") {
			p += " (the page declares no icon, so the browser asks the server for /favicon.ico and logs the 404 as an error;" +
				` internal/site/defaults/templates/base.html should declare one, e.g. <link rel="icon" href="data:,">)`
		}
		t.Errorf("%s: %s", tb.name, p)
	}
	for _, w := range warnings {
		t.Logf("%s: warning (not a failure): %s", tb.name, w)
	}
	host := srv.Listener.Addr().String()
	for _, r := range requests {
		t.Logf("%s: request %s", tb.name, r)
		if !allowedRequest(r, host) {
			t.Errorf("%s: request to %s: only the test server %s (and data:/about: URLs) may be reached", tb.name, r, host)
		}
	}
	return requests
}

func allowedRequest(raw, host string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "about":
		return true
	case "http":
		return u.Host == host
	}
	return false
}

// figureRe finds the id of each chart figure in a page's HTML.
var figureRe = regexp.MustCompile(`<figure\b[^>]*\bid="(chart-[^"]+)"`)

// tooltipJS reads the tooltip that ECharts puts inside a chart's container
// (a div beside the one that holds the canvas). It takes the chart (the
// figure id), a data index, and the strings the tooltip must show. With a
// data index of 0 or more it first shows the tooltip of the first series
// at that index, as a reader's hover would. It returns the tooltip once
// its text holds every wanted string, and null before.
const tooltipJS = `((figure, dataIndex, want) => {
  const el = document.querySelector('#' + figure + ' [data-chart]');
  if (dataIndex >= 0) {
    echarts.getInstanceByDom(el).dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: dataIndex});
  }
  const tips = Array.from(el.children).filter(c => c.tagName === 'DIV' && !c.querySelector('canvas') &&
    getComputedStyle(c).display !== 'none' && getComputedStyle(c).visibility !== 'hidden');
  const text = tips.map(c => c.textContent).join('\n');
  if (text.trim() === '' || !want.every(w => text.includes(w))) return null;
  return {
    text: text,
    html: tips.map(c => c.innerHTML).join('\n'),
    elements: tips.reduce((n, c) => n + c.querySelectorAll('img, script, iframe, object, embed, svg, [onerror], [onload]').length, 0),
  };
})`

// tooltip is what tooltipJS returns.
type tooltip struct {
	Text     string `json:"text"`
	HTML     string `json:"html"`
	Elements int    `json:"elements"` // img, script and other active elements inside it
}

// showTooltip shows a chart's tooltip at a data index (or, with -1, waits
// for the one a mouse hover showed) until it holds every wanted string,
// and returns it.
func showTooltip(t *testing.T, tb *tab, chartName string, dataIndex int, want ...string) tooltip {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	args, err := json.Marshal([]any{chartName, dataIndex, want})
	if err != nil {
		t.Fatal(err)
	}
	call := fmt.Sprintf(`%s(...%s)`, tooltipJS, args)
	tip, err := chromedp.Run(tb.ctx, chromedp.Poll[tooltip](call,
		chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(pageTimeout/4)))
	if err == nil {
		return tip
	}
	// Say what the tooltip showed instead.
	read, _ := json.Marshal([]any{chartName, -1, []string{}})
	last, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[*tooltip](fmt.Sprintf(`%s(...%s)`, tooltipJS, read)))
	shown := "no tooltip"
	if last != nil {
		shown = fmt.Sprintf("tooltip text %q, holding %d img, script or other active elements", last.Text, last.Elements)
	}
	if p, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`typeof window.pwned`)); p != "undefined" {
		shown += fmt.Sprintf("; typeof window.pwned is %q", p)
	}
	tb.logProblems(t)
	t.Fatalf("%s: %s: the tooltip of data index %d never showed %q (%s): %v", tb.name, chartName, dataIndex, want, shown, err)
	return tooltip{}
}

// checkTooltipShows shows a chart's first tooltip, which runs the chart
// script's value formatters.
func checkTooltipShows(t *testing.T, tb *tab, chartName string) {
	t.Helper()
	tip := showTooltip(t, tb, chartName, 0)
	t.Logf("%s: %s tooltip: %q", tb.name, chartName, tip.Text)
}

// hostileCharts are the charts of testdata/hostile, by figure id.
const (
	chartStacked = "chart-stacked-by-customer" // stacked bar, one series per customer: names in legend and axis tooltip rows
	chartDonut   = "chart-share-by-customer"   // donut: names as slices, in legend and item tooltip
	chartBar     = "chart-spend-per-customer"  // bar: names as categories, in axis tooltip header
)

// pageSafetyJS reports what a page would show if data had turned into
// markup or script.
const pageSafetyJS = `(() => {
  const scripts = Array.from(document.querySelectorAll('script')).map(s => ({
    type: s.getAttribute('type') || '', src: s.getAttribute('src') || '', id: s.id, text: s.src ? s.textContent : ''}));
  return {
    pwned: typeof window.pwned,
    imgs: document.querySelectorAll('img').length,
    imgX: document.querySelectorAll('img[src=x]').length,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    scripts: scripts,
  };
})()`

type pageSafety struct {
	Pwned    string `json:"pwned"` // typeof window.pwned
	Imgs     int    `json:"imgs"`
	ImgX     int    `json:"imgX"`
	Handlers int    `json:"handlers"`
	Scripts  []struct {
		Type string `json:"type"`
		Src  string `json:"src"`
		ID   string `json:"id"`
		Text string `json:"text"` // of a script with src: should be empty
	} `json:"scripts"`
}

// checkSafe fails the test if data ran as script or became elements.
// when says at which step, for the messages.
func checkSafe(t *testing.T, tb *tab, when string, charts []string) {
	t.Helper()
	s := eval[pageSafety](t, tb, "checking the page for injected markup", pageSafetyJS)
	if s.Pwned != "undefined" {
		t.Errorf("%s, %s: typeof window.pwned is %q: a customer name ran as script", tb.name, when, s.Pwned)
	}
	if s.ImgX > 0 || s.Imgs > 0 {
		t.Errorf("%s, %s: the page has %d <img> elements (%d with src=x); the briefing has none, so a customer name became markup", tb.name, when, s.Imgs, s.ImgX)
	}
	if s.Handlers > 0 {
		t.Errorf("%s, %s: %d elements have an onerror or onload attribute: a customer name became markup", tb.name, when, s.Handlers)
	}
	wantJSON := map[string]bool{}
	for _, c := range charts {
		wantJSON[c+"-option"] = true
	}
	srcs := map[string]bool{"assets/echarts.min.js": true, "assets/briefing.js": true}
	var options int
	for _, sc := range s.Scripts {
		switch {
		case sc.Type == "application/json" && wantJSON[sc.ID]:
			options++
		case sc.Type == "" && srcs[sc.Src] && sc.Text == "":
		default:
			t.Errorf("%s, %s: unexpected <script type=%q src=%q id=%q>%s: only the charts' JSON options and the two asset scripts belong on the page",
				tb.name, when, sc.Type, sc.Src, sc.ID, sc.Text)
		}
	}
	if options != len(charts) {
		t.Errorf("%s, %s: %d chart option scripts, want %d (one per chart)", tb.name, when, options, len(charts))
	}
}

// chartTextJS returns, for each chart figure, the text of its data table's
// cells and the names ECharts holds: legend items (from the legend model,
// which is what the legend draws), series names, pie slice names and
// category axis labels.
const chartTextJS = `(() => {
  const out = {};
  for (const fig of document.querySelectorAll('figure.chart')) {
    const el = fig.querySelector('[data-chart]');
    const chart = echarts.getInstanceByDom(el);
    const opt = chart.getOption();
    const legend = chart.getModel().getComponent('legend');
    out[fig.id] = {
      cells: Array.from(fig.querySelectorAll('.chart-data th, .chart-data td')).map(c => c.textContent),
      tableText: (fig.querySelector('.chart-data') || {}).textContent || '',
      legend: legend && legend.get('show') ? legend.getData().map(d => d.get('name')) : [],
      series: opt.series.map(s => s.name),
      slices: opt.series.filter(s => s.type === 'pie').flatMap(s => s.data.map(d => d.name)),
      categories: (opt.xAxis || []).concat(opt.yAxis || []).flatMap(a => a.type === 'category' || a.data ? a.data || [] : []),
    };
  }
  return out;
})()`

type chartText struct {
	Cells      []string `json:"cells"`
	TableText  string   `json:"tableText"`
	Legend     []string `json:"legend"`
	Series     []string `json:"series"`
	Slices     []string `json:"slices"`
	Categories []string `json:"categories"`
}

// wantAll fails the test unless every hostile name is in got, exactly.
func wantAll(t *testing.T, page, chartName, where string, got []string) {
	t.Helper()
	for _, n := range hostileNames {
		if !slices.Contains(got, n) {
			t.Errorf("%s: %s: %s lacks the customer name %q verbatim; it has %q", page, chartName, where, n, got)
		}
	}
}

// TestBrowserHostile loads a briefing whose customer names are markup and
// script, and checks in a real browser that the names show as text in the
// data tables, legends and tooltips and never run.
func TestBrowserHostile(t *testing.T) {
	const page = "index.html"
	charts := []string{chartStacked, chartDonut, chartBar}
	browserCtx := browser(t)
	tabs, srv := openSite(t, browserCtx, hostileSite(t), []string{page})
	tb := tabs[0]
	tb.use(t)
	states := waitForCharts(t, tb)
	var got []string
	for _, c := range states {
		got = append(got, c.Chart())
		t.Logf("%s: %s drew: canvas %dx%d, %d of %d pixels inked, %d in series colours",
			page, c.Chart(), c.Width, c.Height, c.Inked, c.Pixels, c.Colored)
	}
	if !slices.Equal(got, charts) {
		t.Fatalf("%s: the page has charts %q, want %q", page, got, charts)
	}
	checkSafe(t, tb, "after load", charts)

	// The names as text: data tables, legends, series, slices, categories.
	texts := eval[map[string]chartText](t, tb, "reading the charts' names", chartTextJS)
	for _, c := range charts {
		ct, ok := texts[c]
		if !ok {
			t.Errorf("%s: no figure #%s", page, c)
			continue
		}
		wantAll(t, page, c, "the data table (.chart-data cells' textContent)", ct.Cells)
		for _, n := range hostileNames {
			if !strings.Contains(ct.TableText, n) {
				t.Errorf("%s: %s: the data table's textContent lacks %q", page, c, n)
			}
		}
	}
	wantAll(t, page, chartStacked, "the legend", texts[chartStacked].Legend)
	wantAll(t, page, chartStacked, "the series names", texts[chartStacked].Series)
	wantAll(t, page, chartDonut, "the legend", texts[chartDonut].Legend)
	wantAll(t, page, chartDonut, "the slice names", texts[chartDonut].Slices)
	wantAll(t, page, chartBar, "the category axis", texts[chartBar].Categories)

	// A reader's hover, with real mouse events, over the first bar of the
	// stacked chart and over each bar of the per-customer chart.
	hover := func(chartName string, dataIndex int, want ...string) {
		t.Helper()
		xy := eval[[]float64](t, tb, "finding a bar to hover", fmt.Sprintf(`((figure, i) => {
  const el = document.querySelector('#' + figure + ' [data-chart]');
  el.scrollIntoView({block: 'center', behavior: 'instant'});
  const chart = echarts.getInstanceByDom(el);
  const v = chart.getOption().series[0].data[i].value;
  const p = chart.convertToPixel({seriesIndex: 0}, [i, v / 2]);
  const r = el.getBoundingClientRect();
  return [r.left + p[0], r.top + p[1]];
})(%q, %d)`, chartName, dataIndex))
		if err := chromedp.Do(tb.ctx, chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1])); err != nil {
			t.Fatalf("%s: %s: moving the mouse to bar %d: %v", page, chartName, dataIndex, err)
		}
		tip := showTooltip(t, tb, chartName, -1, want...)
		checkTooltip(t, tb, chartName, fmt.Sprintf("hover over bar %d", dataIndex), tip, want)
	}
	hover(chartStacked, 0, append([]string{"Jan 2024"}, hostileNames...)...)
	for i, n := range hostileNames {
		hover(chartBar, i, n)
	}
	// Move away, so no hover tooltip stays over the rest.
	if err := chromedp.Do(tb.ctx, chromedp.MouseEvent(chromedp.MouseMoved, 1, 1)); err != nil {
		t.Fatal(err)
	}

	// showTip on every data index of every chart: the axis tooltip of the
	// stacked chart names every customer, the donut's item tooltip and the
	// bar chart's axis header name one each.
	for i, n := range hostileNames {
		tips := []struct {
			chart string
			want  []string
		}{
			{chartStacked, hostileNames},
			{chartDonut, []string{n}},
			{chartBar, []string{n}},
		}
		for _, tt := range tips {
			tip := showTooltip(t, tb, tt.chart, i, tt.want...)
			checkTooltip(t, tb, tt.chart, fmt.Sprintf("showTip at data index %d", i), tip, tt.want)
		}
	}

	checkSafe(t, tb, "after showing every tooltip", charts)
	requests := checkClean(t, tb, srv)
	t.Logf("%s: checked %d charts, %d tooltips, %d requests", page, len(charts), 4+3*len(hostileNames), len(requests))
}

// textEscaper escapes text as innerHTML serializes a text node.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\u00a0", "&nbsp;")

// checkTooltip fails the test unless the tooltip shows the wanted names as
// text, holds no element a name could have become, and nothing ran.
func checkTooltip(t *testing.T, tb *tab, chartName, how string, tip tooltip, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(tip.Text, w) {
			t.Errorf("%s: %s: %s: the tooltip's textContent lacks %q: %q", tb.name, chartName, how, w, tip.Text)
		}
		if esc := textEscaper.Replace(w); esc != w && !strings.Contains(tip.HTML, esc) {
			t.Errorf("%s: %s: %s: the tooltip's HTML lacks the escaped name %q: %s", tb.name, chartName, how, esc, tip.HTML)
		}
	}
	if tip.Elements > 0 {
		t.Errorf("%s: %s: %s: the tooltip holds %d img, script or other active elements: a name became markup: %s", tb.name, chartName, how, tip.Elements, tip.HTML)
	}
	if p := eval[string](t, tb, "reading window.pwned", `typeof window.pwned`); p != "undefined" {
		t.Errorf("%s: %s: %s: typeof window.pwned is %q: a customer name ran as script", tb.name, chartName, how, p)
	}
}
