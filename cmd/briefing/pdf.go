package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/pdf"
)

// pdfCommand prints the briefing as one PDF (package pdf).
type pdfCommand struct {
	problems
	out, pages, chromium, baseURL string
	rows, quiet                   bool
	images                        *imageFlags
}

func (c *pdfCommand) usage() string {
	return "briefing pdf [-o FILE] [--pages PAGE,…] [--rows] [--chromium PATH] [--base-url URL] [--cache-dir DIR | --no-cache] [--format text|json] [-q] [SITE_DIR]"
}

func (c *pdfCommand) summary() string { return "print the briefing as one PDF" }

func (c *pdfCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "briefing.pdf", "the PDF `FILE` to write")
	fs.StringVar(&c.out, "out", "briefing.pdf", "same as -o `FILE`")
	fs.StringVar(&c.pages, "pages", "", "print only these pages, comma-separated output paths without .html (`PAGE,…`: index,customer/tiktok)")
	fs.BoolVar(&c.rows, "rows", false, "print the pages made per row too, after the page that lists them")
	fs.StringVar(&c.chromium, "chromium", "", "the Chromium to print with (`PATH` or name; default: BRIEFING_CHROMIUM, else chromium on PATH)")
	fs.StringVar(&c.baseURL, "base-url", "", "`URL` the site is published at: links to pages left out point there (overrides base_url in site.toml)")
	fs.BoolVar(&c.quiet, "q", false, "print nothing on success")
	c.images = addImageFlags(fs)
	c.formatFlag(fs)
}

func (c *pdfCommand) run(e *env, args []string) error {
	siteDir, err := siteArg("pdf", args)
	if err != nil {
		return err
	}
	start := time.Now()
	out, err := filepath.Abs(c.out)
	if err != nil {
		return err
	}
	// The charts print as their SVG images: the build draws them.
	b, err := e.open(siteDir, build.Options{BaseURL: c.baseURL}, c.images, true)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := checkPDFPath(b.siteAbs, out); err != nil {
		return err
	}
	if err := e.warn(b.res.Warnings, false); err != nil {
		return err
	}
	doc, n, err := c.document(b)
	if err != nil {
		return err
	}
	exe, err := c.browser()
	if err != nil {
		return err
	}
	date, err := messageDate()
	if err != nil {
		return err
	}
	files := func(name string) ([]byte, bool) { f, ok := b.res.Files[name]; return f, ok }
	data, err := pdf.Print(context.Background(), doc, pdf.Options{Chromium: exe, Files: files, Date: date})
	if err != nil {
		return err
	}
	if err := writeAtomic(out, data); err != nil {
		return err
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "printed %d pages of the briefing (%d KB) in %s → %s\n", n, len(data)/1024, since(start), display(out))
	}
	return nil
}

// browser finds the Chromium to print with: --chromium, else
// BRIEFING_CHROMIUM, else one on PATH.
func (c *pdfCommand) browser() (string, error) {
	named, from := c.chromium, "--chromium"
	if named == "" {
		named, from = os.Getenv("BRIEFING_CHROMIUM"), "BRIEFING_CHROMIUM"
	}
	exe, err := pdf.FindChromium(named)
	switch {
	case err != nil && named != "":
		return "", usagef("pdf: %s names no Chromium: %s is not an executable file or a program on PATH", from, named)
	case err != nil:
		return "", usagef("pdf: %v; install Chromium (Debian: apt-get install chromium) or name one with --chromium PATH or BRIEFING_CHROMIUM", err)
	}
	return exe, nil
}

// document is what is printed: the cover and the chosen pages.
func (c *pdfCommand) document(b *briefing) (pdf.Document, int, error) {
	var names []string
	if c.pages != "" {
		names = strings.Split(c.pages, ",")
	}
	pages, err := pdf.Order(b.res.SitePages, names, c.rows)
	if err != nil {
		return pdf.Document{}, 0, err
	}
	cfg := b.res.Config
	doc := pdf.Document{
		Cover:   pdf.Cover{Title: cfg.Title, Subtitle: cfg.Subtitle, Period: cfg.Period, Language: cfg.Language},
		BaseURL: cfg.BaseURL,
	}
	if cfg.GeneratedAt {
		doc.Cover.Generated = b.res.Generated
	}
	for _, p := range pages {
		doc.Pages = append(doc.Pages, pdf.Page{Path: p.Path, Title: p.Title, HTML: b.res.Files[p.Path]})
	}
	return doc, len(pages), nil
}

// checkPDFPath refuses to write the PDF into one of the site's source
// folders, where the next build would read it.
func checkPDFPath(siteAbs, out string) error {
	for _, d := range build.SourceDirs {
		rel, err := filepath.Rel(filepath.Join(siteAbs, d), out)
		if err == nil && !strings.HasPrefix(rel, "..") {
			return diag.Output.Errorf(diag.Pos{}, "pdf: refusing to write %s inside the site's %s/ folder, which is read as a source", out, d)
		}
	}
	return nil
}

// writeAtomic writes data to a new file beside name and renames it over
// name, so that a reader never sees half a PDF.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return diag.Output.Wrap(diag.Pos{}, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return diag.Output.Wrap(diag.Pos{}, err)
	}
	return nil
}
