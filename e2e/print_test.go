package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printDirEnv names a folder to keep the test's PDFs in, to look at them.
const printDirEnv = "BRIEFING_PRINT_DIR"

// A4 in inches, with 1 cm margins (Chrome's default, set here so that the
// page counts below do not depend on it).
const (
	a4Width, a4Height = 8.27, 11.69
	printMargin       = 0.3937
)

// printCase is a page to print and what its PDF must hold.
type printCase struct {
	page string
	// minPages and maxPages bound the number of A4 pages. Each count was
	// read off the PDFs once (Debian's Chromium, whose sans-serif is
	// DejaVu Sans) and is the middle of its range: the range allows one
	// page either way for a machine whose fonts set the text narrower or
	// wider. Anything further off means a part of the page stopped
	// printing or the print layout broke (a chart per page, tables
	// hidden), which the figures below would not all catch.
	minPages, maxPages int
	// want are key figures of the page as the page shows them: in the
	// prose, the tables, and the charts' data tables (which print open).
	want []string
}

var printCases = []printCase{
	// 3 pages: the bullets and the donut on page 1, the rest of the
	// donut's data table, the run-rate chart, its table and the note on
	// page 2, the closing links and the footer on page 3.
	{"index.html", 2, 4, []string{
		"Overview", "$20M", "$83M", "24.1%", "$996M", "29%", "−7%",
		"Share of monthly spend by customer, March 2022", "$36,000,000", // the donut's data table, in full
		"Total monthly spend and annual run-rate", "$696,000,000", // the run-rate chart's data table, in full
		"TikTok 24.1%", // a label of the donut's static image
	}},
	// 6 pages: the accounts table, five charts with their data tables,
	// the concentration table, the text table, the list of customer
	// pages and the footnote.
	{"customers.html", 5, 7, []string{
		"Customers and concentration", "Named accounts by monthly spend", "★ TikTok", "24.1%", "46.6%", "743", "603",
		"$47M", "56.6%", // the totals row
		"Monthly spend by customer", "Concentration over time", "Customers won from each rival cloud",
		"Northwind Health", // the list of customer pages
	}},
	// 2 pages: the prose and the combo chart with its data table on page
	// 1, the quarterly table and the closing prose on page 2.
	{"results.html", 1, 3, []string{
		"Quarterly results", "Quarterly cloud revenue and growth", "$28.5B", "$28,500,000,000", "+29.0%", "+30.0%", "29%", "−7%",
	}},
	// 1 page: prose and lists only.
	{"outlook.html", 1, 2, []string{"Risks and outlook", "What the provider is doing", "What to watch"}},
	// 1 page: the archive of editions, newest first, with their headline
	// figures, the illustrative one labelled so.
	{"editions/index.html", 1, 2, []string{"Editions", "Mar 2022", "Feb 2022", "24.1%", "23.4%", "Illustrative"}},
	// 2 pages: the lede, the spend chart, its data table and the monthly
	// table on page 1; the link back to all customers and the footer on
	// page 2.
	{"customer/tiktok.html", 1, 3, []string{"TikTok", "$20M", "$12M", "24.1%", "+66.7%", "Monthly spend"}},
}

// printStateJS reports, under print media, how each chart figure prints:
// which of its renderings show (exactly one should: the static image when
// the build drew one), whether its data table shows, and its height; and
// whether the navigation shows.
const printStateJS = `(() => ({
  nav: Array.from(document.querySelectorAll('nav')).some(n => getComputedStyle(n).display !== 'none'),
  figures: Array.from(document.querySelectorAll('figure.chart')).map(f => {
    const shown = el => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const img = f.querySelector('img.chart-print');
    const table = f.querySelector('.chart-data table');
    return {
      id: f.id,
      canvas: shown(f.querySelector('.chart-canvas')),
      image: shown(img),
      imageLoaded: !!img && img.complete && img.naturalWidth > 0,
      table: shown(table) && table.getBoundingClientRect().height > 0,
      title: (f.querySelector('.chart-title') || {textContent: ''}).textContent.trim(),
      source: (f.querySelector('.chart-source') || {textContent: ''}).textContent.trim(),
      // The chart itself: from its title to its source note (or image).
      height: Math.round((f.querySelector('.chart-source') || img || f).getBoundingClientRect().bottom - f.getBoundingClientRect().top),
      // The block that must not break, and whether it holds the title,
      // the image and the source note.
      headBreakInside: (h => h ? getComputedStyle(h).breakInside : '')(f.querySelector('.chart-head')),
      headHoldsAll: (h => !!h && [f.querySelector('.chart-title'), img, f.querySelector('.chart-source')].every(el => !el || h.contains(el)))(f.querySelector('.chart-head')),
    };
  }),
}))()`

type printState struct {
	Nav     bool `json:"nav"`
	Figures []struct {
		ID          string `json:"id"`
		Canvas      bool   `json:"canvas"`
		Image       bool   `json:"image"`
		ImageLoaded bool   `json:"imageLoaded"`
		Table       bool   `json:"table"`
		Title       string `json:"title"`
		Source      string `json:"source"`
		Height      int    `json:"height"` // of the chart, title to source note, in CSS pixels
		// break-inside of the block holding title, image and source
		// note: avoid keeps them on one page.
		HeadBreakInside string `json:"headBreakInside"`
		HeadHoldsAll    bool   `json:"headHoldsAll"`
	} `json:"figures"`
}

// pdftotext finds poppler's pdftotext, or skips the test (fails it when
// BRIEFING_REQUIRE_BROWSER=1).
func pdftotext(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	msg := "pdftotext is not installed (apt-get install poppler-utils); the print test reads the PDFs' text with it"
	if os.Getenv(requireBrowserEnv) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, requireBrowserEnv)
	}
	t.Skipf("%s; set %s=1 to make this a failure", msg, requireBrowserEnv)
	return ""
}

var spaces = regexp.MustCompile(`\s+`)

// printCaseOf returns what the PDF of page must hold, if the page is one
// that TestExampleLight prints.
func printCaseOf(page string) (printCase, bool) {
	for _, pc := range printCases {
		if pc.page == page {
			return pc, true
		}
	}
	return printCase{}, false
}

// printPages are the pages of printCases.
func printPages() []string {
	var pages []string
	for _, pc := range printCases {
		pages = append(pages, pc.page)
	}
	return pages
}

// checkPrint prints a page of the example as built by `briefing build`
// (with static chart images), whose charts have drawn, to an A4 PDF, and
// checks the page count and that the key figures are in the PDF's text.
// Under print media each chart prints once, as its static image, whole on
// one page, with its data table, and the navigation does not print. The
// page must be as loaded: no data table opened by another check.
func checkPrint(t *testing.T, tb *tab, pc printCase) {
	t.Helper()
	tool := pdftotext(t)
	keep := os.Getenv(printDirEnv)
	// How the page lays out for print, before printing it.
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	if err := chromedp.Do(tb.ctx, media("print")); err != nil {
		t.Fatal(err)
	}
	st := eval[printState](t, tb, "reading the print layout", printStateJS)
	if err := chromedp.Do(tb.ctx, media("")); err != nil {
		t.Fatal(err)
	}
	if st.Nav {
		t.Errorf("%s: the navigation prints", pc.page)
	}
	// The height of a page's printable area in CSS pixels (96 per inch).
	printable := a4Height - 2*printMargin
	pageHeight := int(printable * 96)
	for _, f := range st.Figures {
		if f.Canvas || !f.Image || !f.ImageLoaded {
			t.Errorf("%s: %s prints canvas=%v, static image=%v (loaded %v); want the static image alone", pc.page, f.ID, f.Canvas, f.Image, f.ImageLoaded)
		}
		if !f.Table {
			t.Errorf("%s: %s: the data table does not print", pc.page, f.ID)
		}
		if f.HeadBreakInside != "avoid" || !f.HeadHoldsAll {
			t.Errorf("%s: %s: the chart's block has break-inside %q and holds title, image and source: %v; want avoid and all, so that a page break cannot part a chart from its title or source note",
				pc.page, f.ID, f.HeadBreakInside, f.HeadHoldsAll)
		}
		if f.Height > pageHeight {
			t.Errorf("%s: %s is %d px tall in print, more than a page (%d px): it will be cut", pc.page, f.ID, f.Height, pageHeight)
		}
	}

	pdf, err := chromedp.Run(tb.ctx, func(ctx context.Context, tgt *chromedp.Target) ([]byte, error) {
		m := printMargin
		res, err := cdp.Call(ctx, tgt, page.PrintToPDF, page.PrintToPDFParams{
			PaperWidth: a4Width, PaperHeight: a4Height,
			MarginTop: &m, MarginBottom: &m, MarginLeft: &m, MarginRight: &m,
			PrintBackground: new(true),
		})
		return res.Data, err
	})
	if err != nil {
		t.Fatalf("%s: printing to PDF: %v", pc.page, err)
	}
	dir := t.TempDir()
	if keep != "" {
		dir = keep
	}
	name := strings.ReplaceAll(strings.TrimSuffix(pc.page, ".html"), "/", "-")
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("%s: %s %s: %v", pc.page, tool, file, err)
	}
	// pdftotext ends every page with a form feed.
	pages := bytes.Count(out, []byte("\f"))
	text := spaces.ReplaceAllString(string(out), " ")
	var pageTexts []string
	for _, p := range strings.Split(string(out), "\f") {
		pageTexts = append(pageTexts, spaces.ReplaceAllString(p, " "))
	}
	onPage := func(s string) int {
		for i, p := range pageTexts {
			if strings.Contains(p, s) {
				return i + 1
			}
		}
		return 0
	}
	// Each chart whole on one page: its title (the first place the
	// title is printed) and its source note, with the image between.
	for _, f := range st.Figures {
		if f.Title == "" || f.Source == "" {
			continue
		}
		if a, b := onPage(f.Title), onPage(f.Source); a == 0 || a != b {
			t.Errorf("%s: %s: the title is on PDF page %d and the source note on page %d; the chart was cut", pc.page, f.ID, a, b)
		}
	}
	if pages < pc.minPages || pages > pc.maxPages {
		t.Errorf("%s: the PDF has %d A4 pages, want %d to %d", pc.page, pages, pc.minPages, pc.maxPages)
	}
	for _, w := range pc.want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: the PDF's text lacks %q", pc.page, w)
		}
	}
	t.Logf("%s: %d A4 pages, %d KB, %d charts printed as images; %s", pc.page, pages, len(pdf)/1024, len(st.Figures), file)
}

// noStaticPrintJS reports, under print media, how each chart of a page
// built without static images prints: its canvas, within the page width.
// Each canvas (and ECharts' box around it) is first set to 2000 px, as if
// drawn on a wide screen: the print style must fit it to the page, since
// printing does not redraw the chart.
const noStaticPrintJS = `(() => Array.from(document.querySelectorAll('figure.chart')).map(f => {
  const el = f.querySelector('.chart-canvas');
  const canvas = el && el.querySelector('canvas');
  if (canvas) {
    canvas.style.width = '2000px';
    canvas.parentElement.style.width = '2000px';
  }
  return {
    id: f.id,
    canvas: !!el && el.getClientRects().length > 0 && !!canvas,
    images: f.querySelectorAll('img').length,
    width: canvas ? Math.round(canvas.getBoundingClientRect().width) : 0,
    figure: Math.round(f.getBoundingClientRect().width),
  };
}))()`

// checkPrintWithoutStatic checks how index.html of a build that drew no
// static images (as the browser tests build it) prints, once its charts
// have drawn: the charts' canvases print instead, within the page's width.
// It changes the page's viewport, media and canvases: no check may follow
// it on the same tab.
func checkPrintWithoutStatic(t *testing.T, tb *tab) {
	t.Helper()
	// The printable width of A4 with 1 cm margins, in CSS pixels.
	printable := a4Width - 2*printMargin
	width := int(printable * 96)
	err := chromedp.Do(tb.ctx,
		chromedp.EmulateViewport(int64(width), 1000),
		chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
	if err != nil {
		t.Fatal(err)
	}
	type state struct {
		ID     string `json:"id"`
		Canvas bool   `json:"canvas"`
		Images int    `json:"images"`
		Width  int    `json:"width"`
		Figure int    `json:"figure"`
	}
	figs := eval[[]state](t, tb, "reading the print layout", noStaticPrintJS)
	if len(figs) == 0 {
		t.Fatalf("%s has no charts", tb.name)
	}
	for _, f := range figs {
		if !f.Canvas || f.Images != 0 {
			t.Errorf("%s: %s prints canvas=%v with %d images; without static images the canvas must print", tb.name, f.ID, f.Canvas, f.Images)
		}
		if f.Width > f.Figure || f.Width > width {
			t.Errorf("%s: %s: the canvas is %d px wide in a %d px figure on a %d px page", tb.name, f.ID, f.Width, f.Figure, width)
		}
	}
}
