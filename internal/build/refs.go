package build

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// refs checks and renders the references pages make to the data: charts,
// tables, figures, conditions and row values.
type refs struct {
	fm     *format.Formatter
	figs   *figure.Set
	tables map[string]*table.Table
	charts map[string]*chart.Spec
	views  map[string]*tableview.Spec
}

// row is the table row a page is made from, if any.
type row struct {
	t *table.Table
	r int
}

// text returns the canonical text of a column of the row.
func (w *row) text(col string) (string, bool) {
	if w == nil {
		return "", false
	}
	c := w.t.Col(col)
	if c < 0 {
		return "", false
	}
	return table.Format(w.t.Columns[c].Kind, w.t.Rows[w.r][c]), true
}

// check validates a reference on a page; each is the table the page is
// made per row of, or nil.
func (x *refs) check(each *table.Table) narrative.CheckFunc {
	return func(r narrative.Ref) error {
		switch r.Kind {
		case "chart":
			s, ok := x.charts[r.Arg]
			if !ok {
				return fmt.Errorf("unknown chart %q (charts are the files in charts/, named without .toml)", r.Arg)
			}
			if s.Each != "" && each == nil {
				return fmt.Errorf("chart %q is made per row (each = %q); place it on a page made per row", r.Arg, s.Each)
			}
		case "table":
			s, ok := x.views[r.Arg]
			if !ok {
				return fmt.Errorf("unknown table %q (tables are the files in tables/, named without .toml)", r.Arg)
			}
			if s.Each != "" && each == nil {
				return fmt.Errorf("table %q is made per row (each = %q); place it on a page made per row", r.Arg, s.Each)
			}
		case "pages":
			return nil // checked once every content file is known
		case "fig":
			_, _, err := x.figure(r.Arg)
			return err
		case "row":
			_, _, err := x.rowColumn(each, r.Arg)
			return err
		case "if":
			cond, _, _, err := parseIf(r.Arg)
			if err != nil {
				return err
			}
			names, offs := expr.Names(cond)
			for i, n := range names {
				at := r.Pos
				at.Col += offs[i]
				if col, ok := strings.CutPrefix(n, "row."); ok {
					if _, _, err := x.rowColumn(each, col); err != nil {
						return diag.Content.Wrap(at, err)
					}
				} else if _, ok := x.figs.Get(n); !ok {
					return diag.Content.Errorf(at, "unknown figure %q in the condition (figures are declared in figures.toml; a page's row columns are row.NAME)", n)
				}
			}
		}
		return nil
	}
}

// figure resolves "name [format]".
func (x *refs) figure(arg string) (*figure.Figure, format.Spec, error) {
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, format.Spec{}, fmt.Errorf("write a figure as {{fig NAME}} or {{fig NAME FORMAT}}")
	}
	f, ok := x.figs.Get(fields[0])
	if !ok {
		return nil, format.Spec{}, fmt.Errorf("unknown figure %q (figures are declared in figures.toml)", fields[0])
	}
	name := f.Format
	if len(fields) == 2 {
		name = fields[1]
	}
	sp, err := format.ParseSpec(name)
	if err != nil {
		return nil, sp, err
	}
	if !f.Missing {
		if err := format.Check(sp, f.Kind); err != nil {
			return nil, sp, fmt.Errorf("figure %q: %v", f.Name, err)
		}
	}
	return f, sp, nil
}

// rowColumn resolves "column [format]" against the page's table.
func (x *refs) rowColumn(each *table.Table, arg string) (int, format.Spec, error) {
	if each == nil {
		return 0, format.Spec{}, fmt.Errorf("{{row …}} needs a page made per row (each = TABLE in the front matter)")
	}
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 {
		return 0, format.Spec{}, fmt.Errorf("write a row value as {{row COLUMN}} or {{row COLUMN FORMAT}}")
	}
	c := each.Col(fields[0])
	if c < 0 {
		return 0, format.Spec{}, fmt.Errorf("unknown column %q in %q (columns: %s)", fields[0], each.Name, strings.Join(each.ColumnNames(), ", "))
	}
	k := each.Columns[c].Kind
	name := figure.DefaultFormat(k)
	if len(fields) == 2 {
		name = fields[1]
	}
	sp, err := format.ParseSpec(name)
	if err == nil {
		err = format.Check(sp, k)
	}
	return c, sp, err
}

// inline renders {{fig}}, {{if}} and {{row}} for a page.
func (x *refs) inline(each *table.Table, w *row) narrative.InlineFunc {
	return func(r narrative.Ref) (string, error) {
		switch r.Kind {
		case "fig":
			f, sp, err := x.figure(r.Arg)
			if err != nil {
				return "", err
			}
			return x.showFigure(f, sp)
		case "row":
			c, sp, err := x.rowColumn(each, r.Arg)
			if err != nil {
				return "", err
			}
			v := w.t.Rows[w.r][c]
			if v.Null {
				return "", diag.Content.Errorf(w.t.Pos(w.r, c), "column %q is empty for this page's row", w.t.Columns[c].Name)
			}
			return x.fm.Show(sp, w.t.Columns[c].Kind, v)
		case "if":
			cond, then, els, err := parseIf(r.Arg)
			if err != nil {
				return "", err
			}
			v, err := expr.Eval(cond, x.env(w))
			if err != nil {
				return "", err
			}
			if v.Truthy() {
				return then, nil
			}
			return els, nil
		}
		return "", fmt.Errorf("unknown reference {{%s}}", r.Kind)
	}
}

func (x *refs) showFigure(f *figure.Figure, sp format.Spec) (string, error) {
	if f.Missing {
		return f.Fallback, nil
	}
	v := table.Value{F: f.Value.Num, S: f.Value.Str}
	return x.fm.Show(sp, f.Kind, v)
}

// env resolves figures and, on a row page, row.COLUMN.
func (x *refs) env(w *row) expr.Env {
	figs := x.figs.Env()
	return func(name string) (expr.Value, bool, error) {
		if col, ok := strings.CutPrefix(name, "row."); ok && w != nil {
			return tableview.RowEnv(w.t, w.r)(col)
		}
		return figs(name)
	}
}

// templateFig is the fig function of templates: {{fig "name"}} or
// {{fig "name" "percent:1"}}.
func (x *refs) templateFig(name string, fmtName ...string) (string, error) {
	arg := name
	if len(fmtName) > 0 {
		arg += " " + strings.Join(fmtName, " ")
	}
	f, sp, err := x.figure(arg)
	if err != nil {
		return "", err
	}
	return x.showFigure(f, sp)
}

// parseIf splits `CONDITION then "A" else "B"` (else optional).
func parseIf(arg string) (cond expr.Node, then, els string, err error) {
	i := indexWord(arg, "then")
	if i < 0 {
		return nil, "", "", errors.New(`write a condition as {{if CONDITION then "TEXT" else "OTHER TEXT"}}`)
	}
	if cond, err = expr.Parse(arg[:i]); err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return nil, "", "", fmt.Errorf("in the condition: %s", ee.Msg)
		}
		return nil, "", "", err
	}
	rest := strings.TrimSpace(arg[i+len("then"):])
	if then, rest, err = quoted(rest); err != nil {
		return nil, "", "", err
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return cond, then, "", nil
	}
	after, ok := strings.CutPrefix(rest, "else")
	if !ok {
		return nil, "", "", fmt.Errorf(`expected else "…" after the text, found %q`, rest)
	}
	if els, rest, err = quoted(strings.TrimSpace(after)); err != nil {
		return nil, "", "", err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, "", "", fmt.Errorf("unexpected %q after the else text", strings.TrimSpace(rest))
	}
	return cond, then, els, nil
}

// quoted reads a leading "…" string.
func quoted(s string) (text, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", fmt.Errorf(`expected text in double quotes, found %q`, s)
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			t, err := strconv.Unquote(s[:i+1])
			return t, s[i+1:], err
		}
	}
	return "", "", errors.New(`text is not closed: add a "`)
}

// indexWord finds word standing alone outside double quotes.
func indexWord(s, word string) int {
	in := false
	for i := 0; i+len(word) <= len(s); i++ {
		switch {
		case s[i] == '"':
			in = !in
		case !in && s[i:i+len(word)] == word &&
			(i == 0 || s[i-1] == ' ') && (i+len(word) == len(s) || s[i+len(word)] == ' '):
			return i
		}
	}
	return -1
}
