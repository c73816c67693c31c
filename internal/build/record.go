package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/source"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// openSeries dates the edition being built and reads the recorded ones,
// for a briefing with [editions]; it returns nil for one without.
func openSeries(fsys fs.FS, cfg *config.Site, figs *figure.Set, fm *format.Formatter, opt Options) (*edition.Series, error) {
	if cfg.Editions == nil {
		return nil, nil
	}
	d := edition.Dating{Figure: cfg.Editions.Date, Pos: cfg.Pos("editions", "date"), Note: opt.EditionNote, Now: now(opt)()}
	cur, err := edition.Date(d, figs, fm)
	if err != nil {
		return nil, err
	}
	return edition.Open(fsys, cur)
}

// makeRecord makes the record of the build from its content pages.
func makeRecord(fsys fs.FS, cfg *config.Site, tables map[string]*table.Table, figs *figure.Set, fm *format.Formatter, pages []page.Page, series *edition.Series, opt Options) (*edition.Record, []byte, error) {
	in := edition.RecordInput{Title: cfg.Title, Figures: figs, Format: fm, Placements: placements(pages)}
	if series != nil {
		in.Edition = series.Current
	}
	var err error
	if in.Sources, err = sources(fsys, cfg, tables, opt); err != nil {
		return nil, nil, err
	}
	rec, err := edition.NewRecord(in)
	if err != nil {
		return nil, nil, diag.Internal.Errorf(diag.Pos{File: edition.File}, "making the record: %v", err)
	}
	b, err := rec.JSON()
	if err != nil {
		return nil, nil, diag.Internal.Errorf(diag.Pos{File: edition.File}, "encoding the record: %v", err)
	}
	return rec, b, nil
}

// placements lists what each page placed, in page order and, on a page,
// in the order written.
func placements(pages []page.Page) []edition.Placement {
	var out []edition.Placement
	for _, p := range pages {
		pl := edition.Placement{Page: p.Path}
		for _, ref := range p.Doc.Blocks() {
			switch n := ref.(type) {
			case *narrative.TableRef:
				pl.Tables = append(pl.Tables, p.Tables[n.Name])
			case *narrative.ChartRef:
				pl.Charts = append(pl.Charts, p.Charts[n.Name])
			}
		}
		if len(pl.Tables)+len(pl.Charts) > 0 {
			out = append(out, pl)
		}
	}
	return out
}

// sources fingerprints the tables of site.toml: a file by what its source
// reads (table.Source), a table from a database query by the content of
// the table it gave (the same whether read live or from its snapshot).
func sources(fsys fs.FS, cfg *config.Site, tables map[string]*table.Table, opt Options) (map[string]edition.RecordSource, error) {
	lim := opt.limits()
	set := source.New(cfg.SourceConfigs(), opt.Sources)
	defer set.Close()
	out := map[string]edition.RecordSource{}
	for _, name := range cfg.TableNames() {
		var src table.Source
		if cfg.IsSourceTable(name) {
			src = set.Table(cfg.SourceQuery(name))
		} else {
			var err error
			if src, err = table.Open(cfg.TableSpec(name)); err != nil {
				return nil, err
			}
		}
		if cfg.IsSourceTable(name) {
			out[name] = edition.RecordSource{Source: src.Describe(), Fingerprint: contentFingerprint(tables[name])}
			continue
		}
		fp, err := src.Fingerprint(fsys, lim)
		if err != nil {
			return nil, err
		}
		out[name] = edition.RecordSource{Source: src.Describe(), Fingerprint: fp}
	}
	return out, nil
}

// contentFingerprint digests a table's columns and values.
func contentFingerprint(t *table.Table) string {
	if t == nil {
		return ""
	}
	h := sha256.New()
	for _, c := range t.Columns {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Name, c.Kind)
	}
	for _, row := range t.Rows {
		for i, v := range row {
			fmt.Fprintf(h, "%t\x00%s\x00", v.Null, table.Format(t.Columns[i].Kind, v))
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// archivePath is the archive page; each edition's page sits beside it.
const archivePath = "editions/index.html"

// archivePages makes the archive page (every edition, newest first, with
// the headline figures) and one page per edition with all its figures.
// The pages' text is fixed; what comes from records (labels, notes,
// figures) is in their tables and titles, which templates escape.
func archivePages(cfg *config.Site, series *edition.Series, cur *edition.Record) ([]page.Page, error) {
	recs := editionsNewestFirst(series, cur)
	index, err := archiveIndex(cfg, recs, cur)
	if err != nil {
		return nil, err
	}
	pages := []page.Page{index}
	for _, r := range recs {
		p, err := editionPage(r, r == cur)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// archiveClash refuses a content page at a path the archive of editions
// takes (content/editions/index.md, in a series).
func archiveClash(pages, archive []page.Page) error {
	taken := map[string]bool{}
	for _, a := range archive {
		taken[strings.ToLower(a.Path)] = true
	}
	var errs []error
	for _, p := range pages {
		if !taken[strings.ToLower(p.Path)] {
			continue
		}
		at := "content/" + p.Section // a section's index page, made for its folder
		if p.Doc != nil {
			at = p.Doc.File
		}
		errs = append(errs, diag.Content.Errorf(diag.Pos{File: at}, "its page %s is where the archive of editions goes ([editions] in site.toml); rename it", p.Path))
	}
	return diag.Join(errs...)
}

// compareEditions orders editions by date, then ID.
func compareEditions(a, b *edition.Edition) int {
	if a.Date != b.Date {
		if a.Date < b.Date {
			return -1
		}
		return 1
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

const archiveSource = `+++
title = "Editions"
+++

Every edition of this briefing, newest first, with its headline figures as
that edition showed them. Each edition's page lists all of its figures, and
its record (the JSON file beside it) holds its tables and charts too.

{{table editions}}

{{pages editions}}
`

func archiveIndex(cfg *config.Site, recs []*edition.Record, cur *edition.Record) (page.Page, error) {
	doc, err := narrative.Parse("(built-in) editions.md", []byte(archiveSource))
	if err != nil {
		return page.Page{}, diag.Internal.Wrap(diag.Pos{}, err)
	}
	v := &tableview.View{Name: "editions", Caption: "Editions"}
	v.Header = []tableview.Cell{{Text: "Edition"}}
	for _, name := range cfg.Editions.Headline {
		label := cfg.Labels[name]
		if label == "" {
			label = tableview.Heading(name)
		}
		v.Header = append(v.Header, tableview.Cell{Text: label, Numeric: true})
	}
	v.Header = append(v.Header, tableview.Cell{Text: "Note"})
	var links []page.Link
	for _, r := range recs {
		label := r.Edition.Label
		if r == cur {
			label += " (this edition)"
		}
		row := tableview.Row{Cells: []tableview.Cell{{Text: label}}}
		for _, name := range cfg.Editions.Headline {
			row.Cells = append(row.Cells, tableview.Cell{Text: headline(r, name), Numeric: true})
		}
		row.Cells = append(row.Cells, tableview.Cell{Text: r.Edition.Note})
		v.Rows = append(v.Rows, row)
		links = append(links, page.Link{Title: r.Edition.Label, Path: editionPath(r.Edition.ID)})
	}
	return page.Page{Doc: doc, Path: archivePath, Title: cfg.Editions.Title, InNav: true,
		Description: "Every edition of " + cfg.Title + " and its headline figures.",
		Tables:      map[string]*tableview.View{"editions": v}, Lists: map[string][]page.Link{"editions": links}}, nil
}

// headline is a figure as an edition showed it, or a dash where that
// edition did not have it.
func headline(r *edition.Record, name string) string {
	if f, ok := r.Figures[name]; ok {
		return f.Text
	}
	return "—"
}

func editionPath(id string) string { return path.Join("editions", id+".html") }

const editionSource = `+++
title = "Edition"
+++

Every figure of this edition, as it showed them.
[The archive](index.md) lists every edition.

{{table figures}}
`

func editionPage(r *edition.Record, current bool) (page.Page, error) {
	doc, err := narrative.Parse("(built-in) edition.md", []byte(editionSource))
	if err != nil {
		return page.Page{}, diag.Internal.Wrap(diag.Pos{}, err)
	}
	v := &tableview.View{Name: "figures", Caption: "Figures of the " + r.Edition.Label + " edition",
		Header: []tableview.Cell{{Text: "Figure"}, {Text: "Value", Numeric: true}}}
	names := make([]string, 0, len(r.Figures))
	for n := range r.Figures {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		v.Rows = append(v.Rows, tableview.Row{Cells: []tableview.Cell{{Text: n}, {Text: r.Figures[n].Text, Numeric: true}}})
	}
	desc := r.Edition.Note
	if current {
		desc = fmt.Sprintf("The edition these pages show. %s", desc)
	}
	return page.Page{Doc: doc, Path: editionPath(r.Edition.ID), Title: r.Edition.Label + " edition", Description: desc,
		Tables: map[string]*tableview.View{"figures": v}}, nil
}

// recordNames lists the files writeRecord writes.
func recordNames(series *edition.Series) []string {
	names := []string{edition.File}
	if series == nil {
		return names
	}
	for _, p := range series.Past {
		names = append(names, edition.FileName(p.Edition.ID))
	}
	return append(names, edition.FileName(series.Current.ID), feedPath)
}

// writeRecord writes the record of the build and, in a series, each
// edition's record beside its page and the feed of the editions.
func writeRecord(w interface {
	WriteFile(string, []byte) error
}, r *Result, series *edition.Series) error {
	if err := w.WriteFile(edition.File, r.RecordJSON); err != nil {
		return err
	}
	if series == nil {
		return nil
	}
	for _, p := range series.Past {
		b, err := p.JSON()
		if err != nil {
			return err
		}
		if err := w.WriteFile(edition.FileName(p.Edition.ID), b); err != nil {
			return err
		}
	}
	if err := w.WriteFile(edition.FileName(series.Current.ID), r.RecordJSON); err != nil {
		return err
	}
	b, err := feed(r.Config, editionsNewestFirst(series, r.Record))
	if err != nil {
		return diag.Internal.Errorf(diag.Pos{File: feedPath}, "making the feed: %v", err)
	}
	return w.WriteFile(feedPath, b)
}
