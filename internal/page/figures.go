package page

import (
	"fmt"
	"strings"

	"github.com/briefing-dev/briefing/internal/expr"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/table"
)

// Figures shows the briefing's figures outside its pages: in templates and
// in strings from site.toml such as the email subject.
type Figures struct {
	fm   *format.Formatter
	figs *figure.Set
	eds  *edition.Comparison // nil unless the briefing is a series
}

// Editions compares the figures with the previous edition; nil for a
// briefing that is not a series.
func (f Figures) Editions() *edition.Comparison { return f.eds }

// Show is the fig function of templates: {{fig "name"}} or
// {{fig "name" "percent:1"}}.
func (f Figures) Show(name string, fmtName ...string) (string, error) {
	fig, sp, err := lookupFigure(f.figs, name, strings.Join(fmtName, " "))
	if err != nil {
		return "", err
	}
	return showFigure(f.fm, fig, sp)
}

// Change is the change function of templates in a series: {{change
// "name"}} or {{change "name" "percent:1"}}, the change since the previous
// edition as prose shows it ("+1.2 pp since Feb 2022").
func (f Figures) Change(name string, fmtName ...string) (string, error) {
	if f.eds == nil {
		return "", fmt.Errorf(noSeries, "change")
	}
	ch, err := f.eds.Change(name, strings.Join(fmtName, " "))
	return ch.Text, err
}

// Prev is the prev function of templates in a series: {{prev "name"}},
// the figure in the previous edition.
func (f Figures) Prev(name string, fmtName ...string) (string, error) {
	if f.eds == nil {
		return "", fmt.Errorf(noSeries, "prev")
	}
	return f.eds.Prev(name, strings.Join(fmtName, " "))
}

// Expand resolves the {{fig}}, {{if}} and, in a series, {{change}},
// {{prev}} and {{edition}} references in s, a TOML string value at pos
// (the email subject); {{row}} has no row here.
func (f Figures) Expand(s string, pos diag.Pos) (string, error) {
	return f.ExpandRow(s, pos, nil, 0)
}

// ExpandRow is Expand for a message made per row: {{row COLUMN}} and
// row.COLUMN in conditions read row r of t (none when t is nil).
func (f Figures) ExpandRow(s string, pos diag.Pos, t *table.Table, r int) (string, error) {
	txt, err := narrative.ParseText(s, inString(pos))
	if err != nil {
		return "", err
	}
	res := &resolver{in: Input{Format: f.fm, Figures: f.figs, Editions: f.eds}}
	var w *row
	if t != nil {
		w = &row{t: t, r: r}
	}
	for _, ref := range txt.Refs {
		if err := res.check(ref, t); err != nil {
			return "", err
		}
	}
	return res.fill(txt, w)
}

// Env resolves figure names for conditions outside pages ([email]
// send_if), as {{if}} reads them, and in a series change(), prev() and
// has_prev(); with t, row.COLUMN reads row r of t.
func (f Figures) Env(t *table.Table, r int) expr.Env {
	var w *row
	if t != nil {
		w = &row{t: t, r: r}
	}
	return env(f.figs, w, f.eds)
}
