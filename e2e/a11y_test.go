package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axePath is axe-core's browser build, pinned in package.json and
// installed by npm ci. The test reads it and evaluates it in the page, so
// the page itself requests nothing.
const axePath = "node_modules/axe-core/axe.min.js"

// blockingImpacts are the axe impacts that fail the test; "minor" and
// "moderate" findings are logged.
var blockingImpacts = []string{"serious", "critical"}

// colorScheme emulates the reader's system setting, light or dark.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// phoneWidth is the CSS width of a common phone held upright.
const phoneWidth = 390

// phone emulates a phone's viewport: 390 × 844 CSS pixels, mobile
// (the page's viewport meta applies), touch, portrait.
var phone = chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)

// axeNode is one element a rule failed on.
type axeNode struct {
	Target  []string `json:"target"` // CSS selectors, outermost first
	Summary string   `json:"summary"`
	HTML    string   `json:"html"`
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeResult struct {
	Version    string         `json:"version"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"` // rules axe could not decide, by id
	Violations []axeViolation `json:"violations"`
}

// axeRunJS runs axe-core over the whole document with its default rules.
const axeRunJS = `axe.run(document).then(r => ({
  version: axe.version,
  passes: r.passes.length,
  incomplete: r.incomplete.map(v => v.id + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')'),
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
      summary: n.failureSummary || '',
      html: n.html,
    })),
  })),
}))`

// runAxe injects axe-core into the page (once) and runs it.
func runAxe(t *testing.T, tb *tab, axeJS string) axeResult {
	t.Helper()
	if eval[string](t, tb, "looking for axe", `typeof axe`) == "undefined" {
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](axeJS)); err != nil {
			t.Fatalf("%s: injecting axe-core: %v", tb.name, err)
		}
	}
	res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", tb.name, err)
	}
	return res
}

// checkAxe runs axe-core and fails the test for every serious or critical
// violation, naming the rule, its impact, what it asks for and the
// elements. Lesser findings are logged. It returns the number of
// violations of each kind.
func checkAxe(t *testing.T, tb *tab, axeJS, mode string) (blocking, other int) {
	t.Helper()
	res := runAxe(t, tb, axeJS)
	for _, v := range res.Violations {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, strings.Join(n.Target, " "))
		}
		msg := fmt.Sprintf("%s (%s): axe-core %s: rule %s, impact %s: %s (%s)\n  elements: %s",
			tb.name, mode, res.Version, v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(targets, "\n            "))
		if len(v.Nodes) > 0 && v.Nodes[0].Summary != "" {
			msg += "\n  first: " + strings.ReplaceAll(v.Nodes[0].Summary, "\n", "\n         ") + "\n         " + v.Nodes[0].HTML
		}
		if slices.Contains(blockingImpacts, v.Impact) {
			blocking++
			t.Error(msg)
		} else {
			other++
			t.Log("not a failure: " + msg)
		}
	}
	t.Logf("%s (%s): axe-core %s: %d rules passed, %d violations (%d serious or critical), undecided: %q",
		tb.name, mode, res.Version, res.Passes, len(res.Violations), blocking, res.Incomplete)
	return blocking, other
}

var axeScript once[string]

// readAxe reads axe-core's script, or fails the test with what to run.
func readAxe(t *testing.T) string {
	t.Helper()
	return axeScript.get(t, func() (string, error) {
		p := filepath.Join(exampleDir, filepath.FromSlash(axePath))
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("axe-core is not installed at %s (run `npm ci` at the repository root; package.json pins it): %v", p, err)
		}
		return string(b), nil
	})
}

// axNode is what the browser's accessibility tree says about an element:
// the role, name and description a screen reader announces.
type axNode struct {
	Role, Name, Description string
	Ignored                 bool
}

// accessible returns the accessibility node of the first element matching
// selector.
func accessible(t *testing.T, tb *tab, selector string) axNode {
	t.Helper()
	get := func(ctx context.Context, tgt *chromedp.Target) (axNode, error) {
		var n axNode
		obj, err := chromedp.Evaluate[*runtime.RemoteObject](fmt.Sprintf(`document.querySelector(%q)`, selector))(ctx, tgt)
		if err != nil {
			return n, err
		}
		if obj == nil || obj.ObjectID == "" {
			return n, fmt.Errorf("no element matches %s", selector)
		}
		res, err := cdp.Call(ctx, tgt, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.ObjectID, FetchRelatives: new(false)})
		if err != nil {
			return n, err
		}
		if len(res.Nodes) == 0 {
			return n, fmt.Errorf("%s has no accessibility node", selector)
		}
		a := res.Nodes[0]
		str := func(v *accessibility.Value) string {
			var s string
			if v != nil && len(v.Value) > 0 {
				_ = json.Unmarshal([]byte(v.Value), &s)
			}
			return s
		}
		return axNode{Role: str(a.Role), Name: str(a.Name), Description: str(a.Description), Ignored: a.Ignored}, nil
	}
	n, err := chromedp.Run(tb.ctx, get)
	if err != nil {
		t.Fatalf("%s: reading the accessibility node of %s: %v", tb.name, selector, err)
	}
	return n
}

// pageA11yJS lists what checkNames needs: the chart figures with their
// titles and the tables' captions, and the cue of each highlighted row.
const pageA11yJS = `(() => ({
  charts: Array.from(document.querySelectorAll('figure.chart')).map(f => ({
    id: f.id,
    title: (f.querySelector('.chart-title') || {textContent: ''}).textContent.trim(),
    summary: (document.getElementById(f.id + '-summary') || {textContent: ''}).textContent.trim(),
    echarts: (document.getElementById(f.id + '-aria') || {textContent: ''}).textContent.trim(),
    hidden: [f.id + '-summary', f.id + '-aria'].every(id => {
      const el = document.getElementById(id);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.width <= 1 && r.height <= 1;
    }),
  })),
  tables: Array.from(document.querySelectorAll('figure.data-table')).map(f => ({
    id: f.id,
    caption: (f.querySelector('figcaption') || {textContent: ''}).textContent.trim(),
  })),
  marks: Array.from(document.querySelectorAll('tr.highlight > td:first-child')).map(td => ({
    content: getComputedStyle(td, '::before').content,
    weight: getComputedStyle(td).fontWeight,
  })),
}))()`

type pageA11y struct {
	Charts []struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		Summary string `json:"summary"`
		ECharts string `json:"echarts"` // ECharts' own description, moved by briefing.js
		Hidden  bool   `json:"hidden"`
	} `json:"charts"`
	Tables []struct {
		ID      string `json:"id"`
		Caption string `json:"caption"`
	} `json:"tables"`
	Marks []struct {
		Content string `json:"content"`
		Weight  string `json:"weight"`
	} `json:"marks"`
}

// echartsAriaJS is true once briefing.js has moved ECharts' description of
// every chart into its description element.
const echartsAriaJS = `Array.from(document.querySelectorAll('figure.chart')).every(f => {
  const d = document.getElementById(f.id + '-aria');
  return d && d.textContent.trim() !== '';
})`

// checkNames checks, in the browser's accessibility tree, that every chart
// is an image named by its title and described by the template's summary
// and ECharts' description; that its data table is reachable with a name;
// that every table has a name; and that highlighted rows carry a cue
// besides colour.
func checkNames(t *testing.T, tb *tab) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](echartsAriaJS,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(pageTimeout/4))); err != nil {
		t.Errorf("%s: ECharts' aria description never reached every chart's description element (option.aria in briefing.js, keepName): %v", tb.name, err)
	}
	p := eval[pageA11y](t, tb, "reading the charts and tables", pageA11yJS)
	for _, c := range p.Charts {
		if c.Title == "" {
			t.Errorf("%s: %s has no title (.chart-title)", tb.name, c.ID)
		}
		if !c.Hidden {
			t.Errorf("%s: %s: the chart's descriptions are visible; they are for screen readers (class visually-hidden)", tb.name, c.ID)
		}
		if c.Summary == "" {
			t.Errorf("%s: %s: empty summary #%s-summary", tb.name, c.ID, c.ID)
		}
		img := accessible(t, tb, "#"+c.ID+" [data-chart]")
		if img.Role != "image" || img.Name != c.Title {
			t.Errorf("%s: %s: the chart is announced as %s %q, want image %q (its title)", tb.name, c.ID, img.Role, img.Name, c.Title)
		}
		if !strings.Contains(img.Description, c.Summary) || c.ECharts == "" || !strings.Contains(img.Description, c.ECharts) {
			t.Errorf("%s: %s: the chart's description is %q; want the summary %q and ECharts' text %q", tb.name, c.ID, img.Description, c.Summary, c.ECharts)
		}
		summary := accessible(t, tb, "#"+c.ID+" details.chart-data > summary")
		if !strings.HasPrefix(summary.Name, "Data behind this chart") || !strings.Contains(summary.Name, c.Title) {
			t.Errorf("%s: %s: the data table's disclosure is named %q; want \"Data behind this chart: %s\"", tb.name, c.ID, summary.Name, c.Title)
		}
		// A closed <details> hides its table from the accessibility
		// tree too: open it, as a reader would, to ask for its name.
		eval[bool](t, tb, "opening the data table", fmt.Sprintf(`document.querySelector('#%s details.chart-data').open = true`, c.ID))
		table := accessible(t, tb, "#"+c.ID+" details.chart-data table")
		if table.Name != "Data: "+c.Title {
			t.Errorf("%s: %s: the data table is named %q, want %q", tb.name, c.ID, table.Name, "Data: "+c.Title)
		}
		t.Logf("%s: %s: %s %q, described as %q", tb.name, c.ID, img.Role, img.Name, img.Description)
	}
	for _, tt := range p.Tables {
		if tt.Caption == "" {
			continue
		}
		if n := accessible(t, tb, "#"+tt.ID+" table"); n.Name != tt.Caption {
			t.Errorf("%s: %s: the table is named %q, want its caption %q", tb.name, tt.ID, n.Name, tt.Caption)
		}
	}
	for i, m := range p.Marks {
		if w, _ := strconv.Atoi(m.Weight); !strings.Contains(m.Content, "★") || w < 600 {
			t.Errorf("%s: highlighted row %d: ::before content %s, font-weight %s; want a star and bold, so colour is not the only cue", tb.name, i, m.Content, m.Weight)
		}
	}
	if len(p.Marks) > 0 {
		cell := accessible(t, tb, "tr.highlight > td:first-child")
		if !strings.HasPrefix(cell.Name, "Highlighted") {
			t.Errorf("%s: the first highlighted cell is announced as %q; want it to start with \"Highlighted\"", tb.name, cell.Name)
		}
	}
}

// checkA11y runs axe-core over a page of the example as built by
// `briefing build`, after the charts have drawn, and fails on any serious
// or critical violation. It also checks what a screen reader hears for
// the charts and tables. It returns axe's counts.
func checkA11y(t *testing.T, tb *tab) (blocking, other int) {
	t.Helper()
	axeJS := readAxe(t)
	checkNames(t, tb)
	return checkAxe(t, tb, axeJS, "light")
}

// rgbLuminance is the relative luminance (WCAG) of a computed CSS colour
// "rgb(r, g, b)".
func rgbLuminance(t *testing.T, css string) float64 {
	t.Helper()
	var r, g, b float64
	if _, err := fmt.Sscanf(strings.ReplaceAll(css, " ", ""), "rgb(%g,%g,%g)", &r, &g, &b); err != nil {
		t.Fatalf("cannot read the colour %q: %v", css, err)
	}
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// themeJS reports the page's colours and the theme each chart was drawn in.
const themeJS = `(() => ({
  body: getComputedStyle(document.body).backgroundColor,
  ink: getComputedStyle(document.body).color,
  themes: Array.from(document.querySelectorAll('[data-chart]')).map(el => el.getAttribute('data-theme') || ''),
}))()`

type pageTheme struct {
	Body   string   `json:"body"`
	Ink    string   `json:"ink"`
	Themes []string `json:"themes"`
}

// checkDark fails the test unless the page is dark: a dark body, light
// text, and every chart drawn in ECharts' dark theme.
func checkDark(t *testing.T, tb *tab, th pageTheme) {
	t.Helper()
	if l := rgbLuminance(t, th.Body); l > 0.05 {
		t.Errorf("%s: with prefers-color-scheme: dark the body's background is %s (luminance %.3f); want a dark one", tb.name, th.Body, l)
	}
	if l := rgbLuminance(t, th.Ink); l < 0.5 {
		t.Errorf("%s: with prefers-color-scheme: dark the text is %s (luminance %.3f); want a light one", tb.name, th.Ink, l)
	}
	for i, theme := range th.Themes {
		if theme != "dark" {
			t.Errorf("%s: chart %d was drawn in the %q theme, want dark", tb.name, i, theme)
		}
	}
}

// checkDarkPage checks a page loaded with the reader's system set to
// dark: the page must be dark, the charts drawn in ECharts' dark theme,
// and axe-core (contrast included) must still pass.
func checkDarkPage(t *testing.T, tb *tab) {
	t.Helper()
	axeJS := readAxe(t)
	th := eval[pageTheme](t, tb, "reading the page's colours", themeJS)
	checkDark(t, tb, th)
	checkAxe(t, tb, axeJS, "dark")
	t.Logf("%s (dark): body %s, text %s, charts %q", tb.name, th.Body, th.Ink, th.Themes)
}

// checkSwitchToDark switches a light page to dark while it is open: the
// charts follow, and the charts keep their names.
func checkSwitchToDark(t *testing.T, tb *tab) {
	t.Helper()
	if th := eval[pageTheme](t, tb, "reading the page's colours", themeJS); rgbLuminance(t, th.Body) < 0.9 || slices.Contains(th.Themes, "dark") {
		t.Fatalf("%s: with prefers-color-scheme: light the page is %s with chart themes %q; want white and light", tb.name, th.Body, th.Themes)
	}
	if err := chromedp.Do(tb.ctx, colorScheme("dark")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll('[data-chart]')).every(el => el.getAttribute('data-theme') === 'dark')`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(pageTimeout/4))); err != nil {
		t.Errorf("%s: the charts did not redraw in the dark theme when the system switched to dark: %v", tb.name, err)
	}
	waitForCharts(t, tb)
	checkDark(t, tb, eval[pageTheme](t, tb, "reading the page's colours", themeJS))
	checkNames(t, tb)
}

// overflowJS measures horizontal overflow: the document's scroll width,
// and every visible element that reaches past the viewport's edges,
// unless a scrolling or clipping ancestor (a table's scroll box) holds it.
const overflowJS = `((vw) => {
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  const path = el => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      else if (e.classList.length) s += '.' + Array.from(e.classList).join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const wide = [], seen = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    // The skip link waits above the page until it has focus.
    if (r.bottom <= 0) continue;
    if (clipped(el)) continue;
    seen.add(el);
    // Name the outermost element only: its contents are wide with it.
    if (seen.has(el.parentElement)) continue;
    wide.push({element: path(el), left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width)});
  }
  const scrollers = Array.from(document.querySelectorAll('.table-scroll')).map(el => ({
    element: path(el), width: el.clientWidth, scrollWidth: el.scrollWidth, focusable: el.tabIndex >= 0}));
  return {innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth, wide: wide.slice(0, 20), scrollers: scrollers};
})`

type overflow struct {
	InnerWidth      int `json:"innerWidth"`
	ScrollWidth     int `json:"scrollWidth"`
	BodyScrollWidth int `json:"bodyScrollWidth"`
	Wide            []struct {
		Element string `json:"element"`
		Left    int    `json:"left"`
		Right   int    `json:"right"`
		Width   int    `json:"width"`
	} `json:"wide"`
	Scrollers []struct {
		Element     string `json:"element"`
		Width       int    `json:"width"`
		ScrollWidth int    `json:"scrollWidth"`
		Focusable   bool   `json:"focusable"`
	} `json:"scrollers"`
}

// checkPhone checks a page loaded in a 390 px wide phone viewport, whose
// charts (states) have drawn: nothing may make the page scroll sideways.
// A table wider than the phone scrolls inside its own box, which a
// keyboard can reach; the charts draw at the phone's width. axe-core runs
// here too.
func checkPhone(t *testing.T, tb *tab, states []chartState) {
	t.Helper()
	axeJS := readAxe(t)
	o := eval[overflow](t, tb, "measuring the page's width", fmt.Sprintf("%s(%d)", overflowJS, phoneWidth))
	if o.InnerWidth != phoneWidth {
		// A phone zooms out to show a page wider than itself.
		t.Errorf("%s: the layout viewport is %d px wide, want %d: the page is wider than the phone, which zoomed out (or the viewport meta tag is missing)", tb.name, o.InnerWidth, phoneWidth)
	}
	if o.ScrollWidth > phoneWidth+1 || o.BodyScrollWidth > phoneWidth+1 {
		t.Errorf("%s: the page is %d px wide (body %d) in a %d px viewport: it scrolls sideways", tb.name, o.ScrollWidth, o.BodyScrollWidth, phoneWidth)
	}
	for _, w := range o.Wide {
		t.Errorf("%s: %s reaches from %d to %d px (%d px wide) in a %d px viewport", tb.name, w.Element, w.Left, w.Right, w.Width, phoneWidth)
	}
	for _, s := range o.Scrollers {
		if s.ScrollWidth > s.Width {
			t.Logf("%s: %s scrolls: %d px of table in %d px", tb.name, s.Element, s.ScrollWidth, s.Width)
		}
		if !s.Focusable {
			t.Errorf("%s: %s can scroll but a keyboard cannot reach it (tabindex)", tb.name, s.Element)
		}
	}
	for _, c := range states {
		// Canvas pixels are CSS pixels here (device scale 1).
		if c.Width > phoneWidth {
			t.Errorf("%s: %s drew a canvas %d px wide in a %d px viewport", tb.name, c.Chart(), c.Width, phoneWidth)
		}
	}
	checkAxe(t, tb, axeJS, "phone")
}
