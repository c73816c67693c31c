package page

import (
	"strings"

	"github.com/briefing-dev/briefing/internal/expr"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
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

// Env resolves figure names, and in a series change(), prev() and
// has_prev(), for expressions outside pages (such as a condition on
// sending the email).
func (f Figures) Env() expr.Env { return env(f.figs, nil, f.eds) }

// Show is the fig function of templates: {{fig "name"}} or
// {{fig "name" "percent:1"}}.
func (f Figures) Show(name string, fmtName ...string) (string, error) {
	fig, sp, err := lookupFigure(f.figs, name, strings.Join(fmtName, " "))
	if err != nil {
		return "", err
	}
	return showFigure(f.fm, fig, sp)
}

// Expand resolves the {{fig}}, {{if}} and, in a series, {{change}},
// {{prev}} and {{edition}} references in s, a TOML string value at pos
// (the email subject); {{row}} has no row here.
func (f Figures) Expand(s string, pos diag.Pos) (string, error) {
	t, err := narrative.ParseText(s, inString(pos))
	if err != nil {
		return "", err
	}
	r := &resolver{in: Input{Format: f.fm, Figures: f.figs, Editions: f.eds}}
	for _, ref := range t.Refs {
		if err := r.check(ref, nil); err != nil {
			return "", err
		}
	}
	return r.fill(t, nil)
}
