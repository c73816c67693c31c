package e2e

import (
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// screenshotsEnv names a folder where TestEmailRendering saves what it
// saw, as PNGs, for a person to look at.
const screenshotsEnv = "BRIEFING_EMAIL_SCREENSHOTS"

// emailLayoutJS reports what a reader sees of the email's frame.
const emailLayoutJS = `(() => {
  const card = document.querySelector('table.card');
  const cs = el => getComputedStyle(el);
  const lines = el => {
    const r = document.createRange(); r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).filter(q => q.width > 0).map(q => Math.round(q.top))).size;
  };
  const p = card.querySelector('p');
  const panel = document.querySelector('td.panel');
  return {
    viewport: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    card: Math.round(card.getBoundingClientRect().width),
    firstText: document.body.innerText.trim().split('\n')[0],
    images: Array.from(document.images).map(i => ({w: Math.round(i.getBoundingClientRect().width), loaded: i.complete && i.naturalWidth > 0})),
    numberLines: Array.from(document.querySelectorAll('td[nowrap]')).map(lines),
    page: cs(document.body).backgroundColor,
    paper: cs(card).backgroundColor,
    ink: cs(p).color,
    panel: panel ? cs(panel).backgroundColor : '',
  };
})()`

type emailLayout struct {
	Viewport  int    `json:"viewport"`
	Scroll    int    `json:"scroll"`
	Card      int    `json:"card"`
	FirstText string `json:"firstText"`
	Images    []struct {
		W      int  `json:"w"`
		Loaded bool `json:"loaded"`
	} `json:"images"`
	NumberLines []int  `json:"numberLines"`
	Page        string `json:"page"`
	Paper       string `json:"paper"`
	Ink         string `json:"ink"`
	Panel       string `json:"panel"`
}

// TestEmailRendering opens the example's email (preview.html: the body
// with its images as files) in Chromium as a mail client's web view would
// show it: at 640 px, on a 375 px phone, and with the reader's system in
// dark mode. The column is at most 640 px and never scrolls sideways,
// every chart shows, numbers stay on one line, the preheader is hidden,
// and dark mode is dark with readable text and the charts on white.
func TestEmailRendering(t *testing.T) {
	browserCtx := browser(t)
	mail := exampleEmail(t)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(mail.Dir)))
	// A mail client asks for no icon; the browser does.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url := func(string) string { return srv.URL + "/preview.html" }
	views := []struct {
		name  string
		width int
		setup []chromedp.Action[chromedp.Void]
	}{
		{"desktop", 800, []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(800, 1000), colorScheme("light")}},
		{"phone", 375, []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), colorScheme("light")}},
		{"dark", 640, []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(640, 1000), colorScheme("dark")}},
		// A client that darkens mail itself, as Gmail's apps do: the
		// browser's own forced dark mode, which repaints colours but not
		// images. The frame must hold; the screenshot shows the charts.
		{"forced-dark", 640, []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(640, 1000), colorScheme("light"), forceDark}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			tb := openPages(t, browserCtx, []string{"preview.html"}, url, v.setup...)[0]
			tb.use(t)
			got := eval[emailLayout](t, tb, "the email's layout", emailLayoutJS)
			checkEmailFrame(t, v.width, got)
			switch v.name {
			case "dark":
				checkEmailDark(t, got)
			case "forced-dark": // computed styles stay light: the browser repaints
			default:
				if l := rgbLuminance(t, got.Paper); l < 0.9 {
					t.Errorf("in light mode the column is %s, want white", got.Paper)
				}
			}
			saveScreenshot(t, tb, v.name)
			checkClean(t, tb, srv)
		})
	}
}

func checkEmailFrame(t *testing.T, width int, got emailLayout) {
	t.Helper()
	// innerWidth is not the test: a phone zooms out to fit a page wider
	// than itself.
	if got.Scroll > width || got.Viewport > width {
		t.Errorf("at %d px the email is %d px wide (viewport %d): it scrolls sideways or shrinks", width, got.Scroll, got.Viewport)
	}
	want := min(640, width-16) // the grey margin around the column
	if width <= 480 {
		want = width // a phone: no margin
	}
	if got.Card > 640 || got.Card < want-2 {
		t.Errorf("at %d px the column is %d px wide, want %d", width, got.Card, want)
	}
	if got.FirstText != "Cloud AI briefing" {
		t.Errorf("the email begins with %q, want the title (the preheader must be hidden)", got.FirstText)
	}
	if len(got.Images) == 0 {
		t.Error("the email shows no image")
	}
	for i, img := range got.Images {
		if !img.Loaded || img.W == 0 || img.W > got.Card {
			t.Errorf("image %d: loaded %v, %d px wide in a %d px column", i, img.Loaded, img.W, got.Card)
		}
	}
	if len(got.NumberLines) == 0 {
		t.Error("the email has no number cell")
	}
	for i, n := range got.NumberLines {
		if n != 1 {
			t.Errorf("at %d px number cell %d takes %d lines, want 1", width, i, n)
		}
	}
}

// checkEmailDark: a dark page and column, light text that reads on it,
// and the charts on a white panel, as they are drawn.
func checkEmailDark(t *testing.T, got emailLayout) {
	t.Helper()
	page, paper, ink := rgbLuminance(t, got.Page), rgbLuminance(t, got.Paper), rgbLuminance(t, got.Ink)
	if page > 0.05 || paper > 0.05 {
		t.Errorf("in dark mode the page is %s and the column %s, want both dark", got.Page, got.Paper)
	}
	if contrast := (ink + 0.05) / (paper + 0.05); contrast < 7 {
		t.Errorf("in dark mode the text %s on %s has contrast %.1f, want at least 7", got.Ink, got.Paper, contrast)
	}
	if rgbLuminance(t, got.Panel) < 0.95 {
		t.Errorf("in dark mode the charts sit on %s, want white", got.Panel)
	}
}

// forceDark turns on the browser's automatic dark mode for the tab.
var forceDark = chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
	on := true
	_, err := cdp.Call(ctx, tgt, emulation.SetAutoDarkModeOverride, emulation.SetAutoDarkModeOverrideParams{Enabled: &on})
	return err
})

// saveScreenshot writes the whole page to $BRIEFING_EMAIL_SCREENSHOTS/NAME.png
// when that is set.
func saveScreenshot(t *testing.T, tb *tab, name string) {
	t.Helper()
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "email-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEmailImagesOnWhite: a client that darkens the email (Gmail's apps,
// Outlook) never touches images, so each chart must carry its own light
// ground: every pixel of its edges is opaque and near white.
func TestEmailImagesOnWhite(t *testing.T) {
	mail := exampleEmail(t)
	files, _ := filepath.Glob(filepath.Join(mail.Dir, "images", "*.png"))
	if len(files) == 0 {
		t.Fatal("the example's email has no chart image")
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b := img.Bounds()
		dark := 0
		for x := b.Min.X; x < b.Max.X; x++ {
			for _, y := range []int{b.Min.Y, b.Max.Y - 1} {
				if cr, cg, cb, ca := img.At(x, y).RGBA(); ca < 0xffff || min(cr, cg, cb) < 0xf000 {
					dark++
				}
			}
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for _, x := range []int{b.Min.X, b.Max.X - 1} {
				if cr, cg, cb, ca := img.At(x, y).RGBA(); ca < 0xffff || min(cr, cg, cb) < 0xf000 {
					dark++
				}
			}
		}
		if dark > 0 {
			t.Errorf("%s: %d edge pixels are transparent or not white; on a dark background the chart would lose its ground", filepath.Base(f), dark)
		}
	}
}
