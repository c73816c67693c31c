package edition

import (
	"fmt"
	"math"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// Fallback texts, shown where there is nothing to compare.
const (
	// NoEarlier is shown in a first edition.
	NoEarlier = "no earlier edition"
	// NotAvailable is shown for a figure that has no value now.
	NotAvailable = "n/a"
)

// Comparison compares the figures of the edition being built with the
// previous edition's record.
type Comparison struct {
	figs *figure.Set
	fm   *format.Formatter
	cur  *Edition
	prev *Record // nil: a first edition
}

// Compare compares figs, shown with fm, of the edition cur with prev, the
// previous edition's record; prev is nil in a first edition.
func Compare(figs *figure.Set, cur *Edition, prev *Record, fm *format.Formatter) *Comparison {
	return &Comparison{figs: figs, fm: fm, cur: cur, prev: prev}
}

// Current is the edition being built.
func (c *Comparison) Current() *Edition { return c.cur }

// Previous is the previous edition, or nil in a first edition.
func (c *Comparison) Previous() *Edition {
	if c == nil || c.prev == nil {
		return nil
	}
	return c.prev.Edition
}

// Since is the previous edition's label, or "" in a first edition.
func (c *Comparison) Since() string {
	if e := c.Previous(); e != nil {
		return e.Label
	}
	return ""
}

// State says whether a figure could be compared, and if not why.
type State int

// The states of a Change.
const (
	Compared     State = iota // Value holds the change
	FirstEdition              // there is no previous edition
	NewFigure                 // the previous edition did not have the figure
	NoValue                   // the figure has no value now, or had none then
	FromZero                  // money that was zero, and is not now, has no relative change
)

// Change is how a figure moved since the previous edition.
type Change struct {
	Figure string
	State  State
	// Value is the change where State is Compared (0 otherwise): the
	// difference for a percent (0.012 for 1.2 pp), the relative change for
	// money (0.12 for +12%), the difference for a number, the number of
	// months, quarters or days for a month, quarter or date.
	Value float64
	// Amount is the change as shown, "+1.2 pp", or "unchanged", or the
	// fallback text.
	Amount string
	// Text is Amount with the edition it is measured from: "+1.2 pp since
	// Feb 2022", "unchanged since Feb 2022", or the fallback text.
	Text string
	// Since is the previous edition's label, or "" in a first edition.
	Since string
}

// Change tells how the figure called name moved. fmtName, when set,
// overrides the format of the amount (pp:2, change:0). An unknown figure,
// a text figure (one with a value), or a format that does not fit are
// errors.
func (c *Comparison) Change(name, fmtName string) (Change, error) {
	f, ok := c.figs.Get(name)
	if !ok {
		return Change{}, fmt.Errorf("unknown figure %q (figures are declared in figures.toml)", name)
	}
	// A figure with no value may not know its kind (a query that returned
	// no rows has no column type): it shows the fallback, whatever it is.
	if f.Kind == table.Text && !f.Missing {
		return Change{}, fmt.Errorf("figure %q is text: it has no change; show the last edition's with {{prev %s}}", name, name)
	}
	sp, err := changeSpec(f, fmtName)
	if err != nil {
		return Change{}, err
	}
	ch := Change{Figure: name, Since: c.Since()}
	cur, prev, state := c.values(f)
	if ch.State = state; state == Compared {
		ch.Value = changeValue(f, sp, cur, prev)
		if isRelative(f, sp) && prev.F == 0 && cur.F != 0 {
			ch.State, ch.Value = FromZero, 0
		}
	}
	ch.Amount, err = c.amount(f, sp, ch)
	if err != nil {
		return Change{}, err
	}
	ch.Text = ch.Amount
	if ch.State == Compared {
		ch.Text += " since " + ch.Since
	}
	return ch, nil
}

// values returns the figure's value now and in the previous edition.
func (c *Comparison) values(f *figure.Figure) (cur, prev table.Value, s State) {
	switch {
	case c.prev == nil:
		return cur, prev, FirstEdition
	case f.Missing:
		return cur, prev, NoValue
	}
	rf, ok := c.prev.Figures[f.Name]
	switch {
	case !ok:
		return cur, prev, NewFigure
	case rf.Value.Null:
		return cur, prev, NoValue // had no value then, of whatever kind
	}
	k, err := table.ParseKind(rf.Kind)
	if err != nil || k != f.Kind && !(k.IsNumeric() && f.Kind.IsNumeric()) {
		return cur, prev, NewFigure // of another kind then: not the same figure
	}
	pv, ok := tableValue(f.Kind, rf.Value)
	if !ok {
		return cur, prev, NoValue
	}
	return figureValue(f), pv, Compared
}

// changeSpec is the format of a figure's change: pp for a share (a
// percent, or a figure shown as a percent or change), a relative change
// for money, else the figure's own format; fmtName overrides it.
func changeSpec(f *figure.Figure, fmtName string) (format.Spec, error) {
	own, err := format.ParseSpec(f.Format)
	if err != nil {
		return own, err
	}
	name := fmtName
	switch {
	case name != "":
	case isShare(f, own):
		name = "pp"
	case f.Kind == table.Money || own.Name == "money" || own.Name == "money_full":
		name = "change"
	case !f.Kind.IsNumeric():
		name = "integer" // a count of months, quarters or days
	case own.Name == "ordinal":
		name = "integer" // a rank moves by places: −3, not −3rd
	default:
		name = f.Format
	}
	sp, err := format.ParseSpec(name)
	if err != nil {
		return sp, err
	}
	if !sp.Numeric() {
		return sp, fmt.Errorf("format %s cannot show a change; use a number format such as pp, change or number", sp)
	}
	return sp, nil
}

// isShare reports whether a figure is a share or a rate (a percent, or
// shown as one): it changes by percentage points.
func isShare(f *figure.Figure, own format.Spec) bool {
	return f.Kind == table.Percent || own.Name == "percent" || own.Name == "change" || own.Name == "pp"
}

// isRelative reports whether the change is shown relative to the previous
// value: in the change format, for a figure that is not a share.
func isRelative(f *figure.Figure, sp format.Spec) bool {
	own, _ := format.ParseSpec(f.Format)
	return sp.Name == "change" && !isShare(f, own)
}

func changeValue(f *figure.Figure, sp format.Spec, cur, prev table.Value) float64 {
	switch {
	case !isRelative(f, sp):
		return cur.F - prev.F
	case prev.F == 0:
		return 0 // from zero (FromZero), or zero both times: no change
	}
	return (cur.F - prev.F) / math.Abs(prev.F)
}

// amount shows a change, or says why there is none.
func (c *Comparison) amount(f *figure.Figure, sp format.Spec, ch Change) (string, error) {
	switch ch.State {
	case FirstEdition:
		return NoEarlier, nil
	case NewFigure:
		return "new since " + ch.Since, nil
	case NoValue:
		if f.Missing {
			return NotAvailable, nil
		}
		return "n/a: no value in " + ch.Since, nil
	case FromZero:
		return "n/a: it was zero in " + ch.Since, nil
	}
	s, err := c.fm.Number(sp, math.Abs(ch.Value))
	if err != nil {
		return "", err
	}
	if !strings.ContainsAny(s, "123456789") {
		return "unchanged", nil
	}
	sign := "+"
	if ch.Value < 0 {
		sign = "−"
	}
	s = sign + strings.TrimLeft(s, "+−")
	if !f.Kind.IsNumeric() {
		s += " " + unit(f.Kind, math.Abs(ch.Value))
	}
	return s, nil
}

// unit names the steps of a month, quarter or date.
func unit(k table.Kind, n float64) string {
	u := map[table.Kind]string{table.Month: "month", table.Quarter: "quarter", table.Date: "day"}[k]
	if n != 1 {
		u += "s"
	}
	return u
}

// Prev shows the figure's value in the previous edition, in the figure's
// format or fmtName, or says why there is none: "no earlier edition" in a
// first edition, "none in Feb 2022" for a figure the previous edition did
// not have or had no value for.
func (c *Comparison) Prev(name, fmtName string) (string, error) {
	f, ok := c.figs.Get(name)
	if !ok {
		return "", fmt.Errorf("unknown figure %q (figures are declared in figures.toml)", name)
	}
	if fmtName == "" {
		fmtName = f.Format
	}
	sp, err := format.ParseSpec(fmtName)
	if err != nil {
		return "", err
	}
	if c.prev == nil {
		return NoEarlier, nil
	}
	rf, ok := c.prev.Figures[name]
	k, kerr := table.ParseKind(rf.Kind)
	if !ok || kerr != nil {
		return "none in " + c.Since(), nil
	}
	pv, ok := tableValue(k, rf.Value)
	if !ok {
		return "none in " + c.Since(), nil
	}
	if err := format.Check(sp, k); err != nil {
		return rf.Text, nil // of another kind now: as it was shown then
	}
	return c.fm.Show(sp, k, pv)
}

// Env resolves change(NAME), prev(NAME) and has_prev(NAME) (see package
// expr) and passes every other name to base. Where a figure cannot be
// compared, change() is 0, prev() the current value and has_prev() 0: a
// condition on a change holds only when something did change.
func (c *Comparison) Env(base expr.Env) expr.Env {
	return func(name string) (expr.Value, bool, error) {
		fn, fig, ok := expr.SplitEditionName(name)
		if !ok {
			return base(name)
		}
		f, ok := c.figs.Get(fig)
		if !ok {
			return expr.Value{}, true, fmt.Errorf("%s(%s): unknown figure %q", fn, fig, fig)
		}
		if f.Missing {
			return expr.Value{}, true, fmt.Errorf("%s(%s): figure %q has no value", fn, fig, fig)
		}
		return c.eval(fn, f)
	}
}

func (c *Comparison) eval(fn string, f *figure.Figure) (expr.Value, bool, error) {
	_, prev, state := c.values(f)
	switch fn {
	case "has_prev":
		if state == Compared {
			return expr.Num(1), true, nil
		}
		return expr.Num(0), true, nil
	case "prev":
		if state != Compared {
			return f.Value, true, nil
		}
		if f.Kind == table.Text {
			return expr.Text(prev.S), true, nil
		}
		return expr.Num(prev.F), true, nil
	}
	ch, err := c.Change(f.Name, "")
	if err != nil {
		return expr.Value{}, true, fmt.Errorf("change(%s): %v", f.Name, err)
	}
	return expr.Num(ch.Value), true, nil
}

// Check reports whether an expression's edition functions name figures
// that exist and can be compared; the error names the first that does not.
func (c *Comparison) Check(ref expr.EditionRef) error {
	f, ok := c.figs.Get(ref.Figure)
	if !ok {
		return fmt.Errorf("unknown figure %q in %s() (figures are declared in figures.toml)", ref.Figure, ref.Func)
	}
	if ref.Func == "change" && f.Kind == table.Text {
		return fmt.Errorf("figure %q is text: it has no change; compare prev(%s) with it instead", ref.Figure, ref.Figure)
	}
	return nil
}

// Table gives a table placed on page the previous edition's version of
// it, for its change columns: the previous edition's label and, when that
// edition placed the same table on the same page, its rows by the text of
// a key column. In a first edition the label is "".
func (c *Comparison) Table(page, name string) *tableview.PreviousTable {
	p := &tableview.PreviousTable{Label: c.Since()}
	if c.prev == nil {
		return p
	}
	for _, t := range c.prev.Tables {
		if t.Page == page && t.Name == name {
			p.Rows = func(key string) map[string]map[string]table.Value { return previousRows(t, key) }
			return p
		}
	}
	return p
}

// previousRows indexes a recorded table's rows by the text of column key.
func previousRows(t RecordTable, key string) map[string]map[string]table.Value {
	kc := -1
	kinds := make([]table.Kind, len(t.Columns))
	for i, col := range t.Columns {
		kinds[i], _ = table.ParseKind(col.Kind)
		if col.Name == key {
			kc = i
		}
	}
	rows := map[string]map[string]table.Value{}
	if kc < 0 {
		return rows
	}
	for _, r := range t.Rows {
		if kc >= len(r.Values) {
			continue
		}
		kv, _ := tableValue(kinds[kc], r.Values[kc])
		vals := map[string]table.Value{}
		for i, v := range r.Values {
			if i < len(t.Columns) {
				vals[t.Columns[i].Name], _ = tableValue(kinds[i], v)
			}
		}
		rows[table.Format(kinds[kc], kv)] = vals
	}
	return rows
}

// Chart gives a chart placed on page the previous edition's values: its
// label and, when that edition placed the same chart on the same page,
// each series' value per category.
func (c *Comparison) Chart(page, name string) *chart.Previous {
	p := &chart.Previous{Label: c.Since()}
	if c.prev == nil {
		return p
	}
	for _, rc := range c.prev.Charts {
		if rc.Page != page || rc.Name != name {
			continue
		}
		p.Values = map[string]map[string]float64{}
		for _, s := range rc.Series {
			byCat := map[string]float64{}
			for i, v := range s.Values {
				if i < len(rc.Categories) && !v.Null && !v.IsText {
					byCat[rc.Categories[i]] = v.Num
				}
			}
			p.Values[s.Name] = byCat
		}
	}
	return p
}
