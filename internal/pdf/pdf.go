// Package pdf prints a briefing as one PDF, with a headless Chromium.
//
// The pages, as the site wrote them, are composed into one HTML document
// (Compose): a cover with the title, period, "generated at" stamp and a
// list of contents, then each page's main content in a section of its
// own, starting a new sheet. Links between printed pages become links
// inside the document, which Chromium keeps as links inside the PDF;
// charts print as their static SVG images, so they stay vector graphics.
// The document is served with the site's files from a loopback server to
// a fresh Chromium (found by FindChromium), which reaches nothing else,
// and printed on A4 with page numbers.
//
// The same inputs give the same bytes: Normalize replaces what Chromium
// stamps on each print (creation and modification dates, the document
// ID) with values fixed by the caller's date and the file's content.
package pdf

import (
	"context"
	"time"
)

// Options are how a document is printed.
type Options struct {
	// Chromium is the browser's executable (see FindChromium).
	Chromium string
	// Files reads a file of the site (style sheet, chart images) by its
	// slash-separated path.
	Files func(name string) ([]byte, bool)
	// Date is written as the PDF's creation and modification date.
	Date time.Time
}

// Print composes d and prints it to a PDF.
func Print(ctx context.Context, d Document, opt Options) ([]byte, error) {
	if d.Has == nil {
		d.Has = func(name string) bool { _, ok := opt.Files(name); return ok }
	}
	doc, err := Compose(d)
	if err != nil {
		return nil, err
	}
	out, err := printDoc(ctx, opt.Chromium, doc, opt.Files)
	if err != nil {
		return nil, err
	}
	return Normalize(out, opt.Date)
}
