package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/briefing-dev/briefing/internal/build"
)

// wideTableJS measures the first data table: its box and the text column's,
// how far the table scrolls inside its box, and how many lines the text of
// each cell takes.
const wideTableJS = `(() => {
  const fig = document.querySelector('figure.data-table');
  const box = fig.querySelector('.table-scroll');
  const main = document.querySelector('main');
  const cs = getComputedStyle(main);
  const lines = el => {
    const r = document.createRange();
    r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).filter(q => q.width > 0).map(q => Math.round(q.top))).size;
  };
  const cells = Array.from(fig.querySelectorAll('tbody td')).map(td => ({
    text: td.textContent, numeric: td.classList.contains('num'), lines: lines(td)}));
  const b = box.getBoundingClientRect();
  return {
    column: main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
    left: Math.round(b.left), right: Math.round(b.right),
    boxWidth: box.clientWidth, tableWidth: box.scrollWidth, cells: cells,
  };
})()`

type wideTable struct {
	Column     float64 `json:"column"`
	Left       int     `json:"left"`
	Right      int     `json:"right"`
	BoxWidth   int     `json:"boxWidth"`
	TableWidth int     `json:"tableWidth"`
	Cells      []struct {
		Text    string `json:"text"`
		Numeric bool   `json:"numeric"`
		Lines   int    `json:"lines"`
	} `json:"cells"`
}

// TestWideTable loads a table of twelve columns (a long customer name, nine
// months of money, a total and a long note) at a desktop's 1280 px and a
// phone's 390 px. Neither page scrolls sideways. On the desktop the table
// widens past the text column and fits whole, its note column wrapping
// and its numbers on one line; on the phone whatever does not fit scrolls
// inside the table's own box, which a keyboard can reach.
func TestWideTable(t *testing.T) {
	browserCtx := browser(t)
	b, err := buildSite("the wide-table briefing", "testdata/widetable", build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, vp := range []struct {
		name  string
		width int
		setup chromedp.Action[chromedp.Void]
	}{
		{"desktop", 1280, chromedp.EmulateViewport(1280, 900)},
		{"phone", phoneWidth, phone},
	} {
		t.Run(vp.name, func(t *testing.T) {
			tb := openSite1(t, browserCtx, b, "index.html", vp.setup)
			o := eval[overflow](t, tb, "measuring the page's width", fmt.Sprintf("%s(%d)", overflowJS, vp.width))
			if o.InnerWidth != vp.width {
				t.Errorf("the layout viewport is %d px wide, want %d", o.InnerWidth, vp.width)
			}
			if o.ScrollWidth > vp.width || o.BodyScrollWidth > vp.width {
				t.Errorf("the page is %d px wide (body %d) in a %d px viewport: it scrolls sideways", o.ScrollWidth, o.BodyScrollWidth, vp.width)
			}
			for _, w := range o.Wide {
				t.Errorf("%s reaches from %d to %d px in a %d px viewport", w.Element, w.Left, w.Right, vp.width)
			}
			for _, s := range o.Scrollers {
				if !s.Focusable {
					t.Errorf("%s can scroll but a keyboard cannot reach it", s.Element)
				}
			}
			wt := eval[wideTable](t, tb, "measuring the table", wideTableJS)
			if wt.Left < 0 || wt.Right > vp.width {
				t.Errorf("the table's box reaches from %d to %d px in a %d px viewport", wt.Left, wt.Right, vp.width)
			}
			if len(wt.Cells) != 3*12 {
				t.Fatalf("%d cells, want 36", len(wt.Cells))
			}
			for _, c := range wt.Cells {
				if c.Numeric && c.Lines != 1 {
					t.Errorf("the number %q takes %d lines", c.Text, c.Lines)
				}
			}
			if vp.name != "desktop" {
				return
			}
			if wt.TableWidth > wt.BoxWidth {
				t.Errorf("the table is %d px wide in a box of %d px: it scrolls at desktop width", wt.TableWidth, wt.BoxWidth)
			}
			if float64(wt.BoxWidth) <= wt.Column {
				t.Errorf("the table's box is %d px, no wider than the %.0f px text column: it does not use the window", wt.BoxWidth, wt.Column)
			}
			longest := wt.Cells[11] // the first row's note, the longest text
			if longest.Lines < 2 {
				t.Errorf("the note %q takes %d line: the widest column does not wrap", longest.Text, longest.Lines)
			}
		})
	}
}

// openSite1 opens one page of a build and waits for it to be ready.
func openSite1(t *testing.T, browserCtx context.Context, b *built, page string, setup chromedp.Action[chromedp.Void]) *tab {
	t.Helper()
	tabs, _ := openSite(t, browserCtx, b, []string{page}, setup)
	tabs[0].use(t)
	return tabs[0]
}
