package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/pdf"
)

// pdfDate is the creation date the PDFs are stamped with, as
// SOURCE_DATE_EPOCH would give it.
var pdfDate = time.Date(2024, 7, 31, 12, 0, 0, 0, time.UTC)

// printBriefing prints a build as `briefing pdf` does, with its own
// Chromium, and returns the PDF, the pages printed and the PDF's text
// (pages ended by form feeds). With rows, the pages made per row print
// too.
func printBriefing(t *testing.T, b *built, rows bool) ([]byte, []pdf.Page, string) {
	t.Helper()
	exe := findBrowser(t)
	tool := pdftotext(t)
	order, err := pdf.Order(b.Site, nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	doc := pdf.Document{Cover: pdf.Cover{Title: b.Config.Title, Subtitle: b.Config.Subtitle, Period: b.Config.Period}}
	for _, p := range order {
		doc.Pages = append(doc.Pages, pdf.Page{Path: p.Path, Title: p.Title, HTML: b.files[p.Path]})
	}
	files := func(name string) ([]byte, bool) { f, ok := b.files[name]; return f, ok }
	ctx, cancel := context.WithTimeout(context.Background(), 3*pageTimeout)
	defer cancel()
	out, err := pdf.Print(ctx, doc, pdf.Options{Chromium: exe, Files: files, Date: pdfDate})
	if err != nil {
		t.Fatalf("%s: printing the PDF: %v", b.Name, err)
	}
	dir := os.Getenv(printDirEnv)
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, strings.ReplaceAll(b.Name, " ", "-")+".pdf")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "-enc", "UTF-8", file, "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	text, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %s %s: %v %s", b.Name, tool, file, err, stderr.Bytes())
	}
	return out, doc.Pages, string(text)
}

var pageObjectRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestPDFExample prints the example (pages in the navigation) and reads
// the PDF as a reader would: the page count, every page's title and key
// figures in its text, links between its pages, vector charts, and the
// same bytes on a second print.
func TestPDFExample(t *testing.T) {
	b := exampleStaticSite(t)
	out, pages, text := printBriefing(t, b, false)

	// The cover, then each page as long as it prints alone (print_test.go),
	// give or take the sheet each page now starts on.
	lo, hi := 1, 1
	var want []string
	for _, p := range pages {
		pc, ok := printCaseOf(p.Path)
		if !ok {
			t.Fatalf("%s: no print case for %s (print_test.go)", b.Name, p.Path)
		}
		lo, hi = lo+pc.minPages, hi+pc.maxPages
		want = append(append(want, p.Title), pc.want...)
	}
	if len(pages) != 5 {
		t.Errorf("printed %d pages of the navigation, want 5 (four content pages and the editions)", len(pages))
	}
	n := len(pageObjectRE.FindAll(out, -1))
	if sheets := strings.Count(text, "\f"); sheets != n {
		t.Errorf("pdftotext reads %d pages, the file has %d page objects", sheets, n)
	}
	if n < lo || n > hi {
		t.Errorf("the PDF has %d pages, want %d to %d", n, lo, hi)
	}
	flat := spaces.ReplaceAllString(text, " ")
	for _, s := range append(want, b.Config.Title, b.Config.Period, "Contents", "1 / ") {
		if !strings.Contains(flat, s) {
			t.Errorf("the PDF's text lacks %q", s)
		}
	}
	// The page numbers: the last sheet says n / n.
	if !strings.Contains(flat, fmt.Sprintf("%d / %d", n, n)) {
		t.Errorf("no page number %d / %d in the text", n, n)
	}
	// Every page is the target of a link (the contents) that the PDF
	// resolves to a place in itself.
	for _, p := range pages {
		dest := "/" + pdf.Anchor(p.Path)
		if !regexp.MustCompile(`/Subtype /Link[^>]*/Dest ` + regexp.QuoteMeta(dest) + `\b`).Match(out) {
			t.Errorf("no link annotation goes to %s", dest)
		}
		if !regexp.MustCompile(regexp.QuoteMeta(dest) + ` \[\d+ 0 R /XYZ`).Match(out) {
			t.Errorf("the PDF does not define the destination %s", dest)
		}
	}
	if bytes.Contains(out, []byte("127.0.0.1")) {
		t.Error("the PDF holds the address of the loopback server it was printed from")
	}
	// Charts are the static SVGs, drawn as vector paths: no raster image.
	if bytes.Contains(out, []byte("/Subtype /Image")) {
		t.Error("the PDF holds raster images; the charts should print as vectors")
	}
	again, _, _ := printBriefing(t, b, false)
	if !bytes.Equal(out, again) {
		i := 0
		for i < min(len(out), len(again)) && out[i] == again[i] {
			i++
		}
		t.Errorf("two prints differ (%d and %d bytes), first at byte %d: %q vs %q", len(out), len(again), i,
			out[i:min(len(out), i+40)], again[i:min(len(again), i+40)])
	}
}

// TestPDFHostile prints the briefing whose customer names are markup and
// script: the names are text in the PDF.
func TestPDFHostile(t *testing.T) {
	b := hostileSite(t)
	_, _, text := printBriefing(t, b, true)
	// Table cells wrap long names anywhere: compare without white space.
	flat := spaces.ReplaceAllString(text, "")
	for _, name := range hostileNames {
		if !strings.Contains(flat, spaces.ReplaceAllString(name, "")) {
			t.Errorf("the PDF's text lacks the customer name %q", name)
		}
	}
}
