package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The example's pages are opened once for each way a reader gets them:
// TestBrowserExample on the build without static images, TestExampleLight,
// TestA11yDark and TestMobileNoOverflow on the build `briefing build`
// makes, in a light, a dark and a phone browser. Each page is loaded once
// per test and every check of that test runs on the loaded page, in an
// order that keeps each check's view of the page as it was when each had
// a page of its own: a check that changes the page runs after those it
// would mislead.

// TestBrowserExample loads the example's pages (see visited) in a real
// browser and checks that each chart draws, that tooltips work, and that
// the page logs no error and requests nothing from elsewhere. On
// index.html and customers.html the charts must show numbers as the prose
// does (proseFormats); index.html must print its canvases within the page
// (checkPrintWithoutStatic).
func TestBrowserExample(t *testing.T) {
	browserCtx := browser(t)
	b := exampleSite(t)
	tabs, srv := openSite(t, browserCtx, b, visited(t, b, formatPages...))
	var formats *proseFormats
	var totalCharts, totalRequests int
	summary := make([]string, 0, len(tabs))
	for _, tb := range tabs {
		t.Run(tb.name, func(t *testing.T) {
			tb.use(t)
			states := waitForCharts(t, tb)
			// The formats first: they read labels and tooltips as the
			// page drew them.
			if slices.Contains(formatPages, tb.name) {
				step(t, tb, "formats", func(t *testing.T) {
					if formats == nil {
						formats = newProseFormats(t, b)
					}
					formats.check(t, tb)
				})
			}
			step(t, tb, "charts", func(t *testing.T) {
				checkCharts(t, tb, b.html(t, tb.name), states)
			})
			// Last: it changes the viewport, the media and the canvases.
			if tb.name == "index.html" {
				step(t, tb, "print-without-static-images", func(t *testing.T) {
					checkPrintWithoutStatic(t, tb)
				})
			}
			requests := checkClean(t, tb, srv)
			totalCharts += len(states)
			totalRequests += len(requests)
			summary = append(summary, fmt.Sprintf("%s: %d charts, %d requests", tb.name, len(states), len(requests)))
		})
	}
	t.Logf("checked %d pages, %d charts, %d requests:\n  %s", len(tabs), totalCharts, totalRequests, strings.Join(summary, "\n  "))
}

// checkCharts checks that the page has a drawn chart for each chart figure
// of its HTML, and that each chart's first tooltip shows, which runs the
// chart script's value formatters.
func checkCharts(t *testing.T, tb *tab, html string, states []chartState) {
	t.Helper()
	var want []string
	for _, m := range figureRe.FindAllStringSubmatch(html, -1) {
		want = append(want, m[1])
	}
	var got []string
	for _, c := range states {
		got = append(got, c.Chart())
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: the page has charts %q, but its HTML has figures %q", tb.name, got, want)
	}
	if len(want) > 0 && len(states) == 0 {
		t.Errorf("%s: the HTML has %d chart figures but the page has no [data-chart] element", tb.name, len(want))
	}
	for _, c := range states {
		t.Logf("%s: %s drew: canvas %dx%d, %d of %d pixels inked, %d in series colours",
			tb.name, c.Chart(), c.Width, c.Height, c.Inked, c.Pixels, c.Colored)
		checkTooltipShows(t, tb, c.Chart())
	}
}

// TestExampleLight loads the example's pages (see visited, and the pages
// of printCases) as `briefing build` makes them, with static chart images,
// in a light browser. The printCases pages print to PDF (checkPrint);
// every page passes axe-core and names its charts and tables for a screen
// reader (checkA11y); index.html then switches to dark while open
// (checkSwitchToDark).
func TestExampleLight(t *testing.T) {
	browserCtx := browser(t)
	b := exampleStaticSite(t)
	tabs, srv := openSite(t, browserCtx, b, visited(t, b, printPages()...), colorScheme("light"))
	var total, blocking, other int
	for _, tb := range tabs {
		t.Run(tb.name, func(t *testing.T) {
			tb.use(t)
			waitForCharts(t, tb)
			// Printing first: checkA11y opens the data tables, which
			// must print open of their own accord.
			if pc, ok := printCaseOf(tb.name); ok {
				step(t, tb, "print", func(t *testing.T) { checkPrint(t, tb, pc) })
			}
			step(t, tb, "a11y", func(t *testing.T) {
				bl, ot := checkA11y(t, tb)
				total++
				blocking += bl
				other += ot
			})
			if tb.name == "index.html" {
				step(t, tb, "switch-to-dark", func(t *testing.T) { checkSwitchToDark(t, tb) })
			}
			checkClean(t, tb, srv)
		})
	}
	t.Logf("axe-core over %d pages: %d serious or critical violations, %d lesser", total, blocking, other)
}

// TestA11yDark loads the example's pages (see visited) with the reader's
// system set to dark: the page must be dark, the charts drawn in ECharts'
// dark theme, and axe-core (contrast included) must still pass. (A light
// page switched to dark while open is TestExampleLight's.)
func TestA11yDark(t *testing.T) {
	browserCtx := browser(t)
	b := exampleStaticSite(t)
	tabs, srv := openSite(t, browserCtx, b, visited(t, b), colorScheme("dark"))
	for _, tb := range tabs {
		t.Run(tb.name, func(t *testing.T) {
			tb.use(t)
			waitForCharts(t, tb)
			checkDarkPage(t, tb)
			checkClean(t, tb, srv)
		})
	}
}

// TestMobileNoOverflow loads the example's pages (see visited) in a 390 px
// wide phone viewport: nothing may make the page scroll sideways, and the
// charts draw at the phone's width (checkPhone).
func TestMobileNoOverflow(t *testing.T) {
	browserCtx := browser(t)
	b := exampleStaticSite(t)
	tabs, srv := openSite(t, browserCtx, b, visited(t, b), phone)
	for _, tb := range tabs {
		t.Run(tb.name, func(t *testing.T) {
			tb.use(t)
			states := waitForCharts(t, tb)
			checkPhone(t, tb, states)
			checkClean(t, tb, srv)
		})
	}
}
