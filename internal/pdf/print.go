package pdf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumNames are the executables FindChromium looks for on PATH, in
// order.
var ChromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}

// ErrNoChromium is returned by FindChromium when no browser is found.
var ErrNoChromium = errors.New("no Chromium found")

// FindChromium returns the browser to print with: named (a path, or a
// name looked up on PATH) when named is not empty, else the first of
// ChromiumNames on PATH.
func FindChromium(named string) (string, error) {
	if named != "" {
		p, err := exec.LookPath(named)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrNoChromium, err)
		}
		return p, nil
	}
	for _, n := range ChromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w on PATH (looked for %s)", ErrNoChromium, strings.Join(ChromiumNames, ", "))
}

// docName is the composed document's path on the loopback server; the
// leading dot keeps it apart from every page of a site.
const docName = ".briefing-pdf.html"

// Paper and margins, in inches: A4, with room at the bottom for the page
// number.
const (
	paperWidth, paperHeight = 8.27, 11.69
	margin, marginBottom    = 0.5, 0.7
)

// footer is the page number at the foot of every sheet. Chromium fills the
// pageNumber and totalPages elements; its header and footer have a font
// size of 0 unless they set one.
const footer = `<div style="font-size:8pt;width:100%;text-align:center;color:#555;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`

// printDoc loads doc, with the site's files beside it, from a loopback server
// in a fresh headless Chromium at exe, and prints it. The browser reaches
// nothing but that server.
func printDoc(ctx context.Context, exe string, doc []byte, files func(string) ([]byte, bool)) ([]byte, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: fileServer(doc, files), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if err := chromedp.Do(tabCtx, chromedp.Navigate("http://"+ln.Addr().String()+"/"+docName)); err != nil {
		return nil, fmt.Errorf("loading the document in %s: %v", exe, err)
	}
	out, err := chromedp.Run(tabCtx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperSize{Width: paperWidth, Height: paperHeight}),
		chromedp.PDFMargins(margin, margin, marginBottom, margin),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFStream(),
	))
	if err != nil {
		return nil, fmt.Errorf("printing with %s: %v", exe, err)
	}
	return out, nil
}

// fileServer serves the document and the site's files, read-only.
func fileServer(doc []byte, files func(string) ([]byte, bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		var b []byte
		var ok bool
		if name == docName {
			b, ok = doc, true
		} else {
			b, ok = files(name)
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		switch path.Ext(name) {
		case ".html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".svg":
			w.Header().Set("Content-Type", "image/svg+xml")
		case ".png":
			w.Header().Set("Content-Type", "image/png")
		}
		w.Write(b)
	})
}
