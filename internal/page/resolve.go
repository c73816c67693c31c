package page

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// resolver checks and resolves references against the data.
type resolver struct{ in Input }

// row is the table row a page is made from, if any.
type row struct {
	t *table.Table
	r int
}

// text returns the canonical text of a column of the row.
func (w *row) text(col string) (string, bool) {
	c := w.t.Col(col)
	if c < 0 {
		return "", false
	}
	return table.Format(w.t.Columns[c].Kind, w.t.Rows[w.r][c]), true
}

// eachTable finds the table a content file is made per row of, or nil.
func (r *resolver) eachTable(d *narrative.Doc) (*table.Table, error) {
	if d.Meta.Each == "" {
		return nil, nil
	}
	t, ok := r.in.Tables[d.Meta.Each]
	if !ok {
		return nil, diag.Content.Errorf(d.FrontMatterPos("each"), "each = %q: no such table or query (tables and queries: %s)", d.Meta.Each, strings.Join(slices.Sorted(maps.Keys(r.in.Tables)), ", "))
	}
	return t, nil
}

// check validates a reference on a page; each is the table the page is
// made per row of, or nil. The error is at the reference.
func (r *resolver) check(ref narrative.Ref, each *table.Table) error {
	if err := r.checkRef(ref, each); err != nil {
		return positioned(ref.RefSpan().At, err)
	}
	return nil
}

func (r *resolver) checkRef(ref narrative.Ref, each *table.Table) error {
	switch n := ref.(type) {
	case *narrative.ChartRef:
		s, ok := r.in.Charts[n.Name]
		if !ok {
			return fmt.Errorf("unknown chart %q (charts are the files in charts/, named without .toml)", n.Name)
		}
		if s.Each != "" && each == nil {
			return fmt.Errorf("chart %q is made per row (each = %q); place it on a page made per row", n.Name, s.Each)
		}
	case *narrative.TableRef:
		s, ok := r.in.Views[n.Name]
		if !ok {
			return fmt.Errorf("unknown table %q (tables are the files in tables/, named without .toml)", n.Name)
		}
		if s.Each != "" && each == nil {
			return fmt.Errorf("table %q is made per row (each = %q); place it on a page made per row", n.Name, s.Each)
		}
	case *narrative.FigRef:
		_, _, err := r.figure(n.Name, n.Format)
		return err
	case *narrative.RowRef:
		_, _, err := rowColumn(each, n.Column, n.Format)
		return err
	case *narrative.IfRef:
		return r.checkCond(n, each)
	case *narrative.ChangeRef, *narrative.PrevRef, *narrative.EditionRef:
		_, err := r.editionText(ref.(narrative.Inline))
		return err
	}
	return nil // {{pages}} is checked once every content file is known
}

// noSeries explains an edition reference in a briefing that is not a
// series.
const noSeries = "%s compares with the previous edition; make the briefing a series with [editions] in site.toml"

// editionText resolves {{change}}, {{prev}} and {{edition}}.
func (r *resolver) editionText(ref narrative.Inline) (string, error) {
	eds := r.in.Editions
	switch n := ref.(type) {
	case *narrative.ChangeRef:
		if eds == nil {
			return "", fmt.Errorf(noSeries, "{{change}}")
		}
		ch, err := eds.Change(n.Name, n.Format)
		return ch.Text, err
	case *narrative.PrevRef:
		if eds == nil {
			return "", fmt.Errorf(noSeries, "{{prev}}")
		}
		return eds.Prev(n.Name, n.Format)
	case *narrative.EditionRef:
		if eds == nil {
			return "", fmt.Errorf(noSeries, "{{edition}}")
		}
		if !n.Prev {
			return eds.Current().Label, nil
		}
		if e := eds.Previous(); e != nil {
			return e.Label, nil
		}
		return edition.NoEarlier, nil
	}
	return "", fmt.Errorf("unknown reference %T", ref)
}

// checkCond checks the names a condition uses, each at its own column.
func (r *resolver) checkCond(n *narrative.IfRef, each *table.Table) error {
	for _, ref := range expr.EditionRefs(n.Expr) {
		at := n.At
		at.Col += ref.Off
		if r.in.Editions == nil {
			return diag.Content.Errorf(at, noSeries, ref.Func+"()")
		}
		if err := r.in.Editions.Check(ref); err != nil {
			return diag.Content.Wrap(at, err)
		}
	}
	names, offs := expr.Names(n.Expr)
	for i, name := range names {
		at := n.At
		at.Col += offs[i]
		if col, ok := strings.CutPrefix(name, "row."); ok {
			if _, _, err := rowColumn(each, col, ""); err != nil {
				return diag.Content.Wrap(at, err)
			}
		} else if _, ok := r.in.Figures.Get(name); !ok {
			return diag.Content.Errorf(at, "unknown figure %q in the condition (figures are declared in figures.toml; a page's row columns are row.NAME)", name)
		}
	}
	return nil
}

// figure resolves a figure and the format to show it in ("" for its own).
func (r *resolver) figure(name, fmtName string) (*figure.Figure, format.Spec, error) {
	return lookupFigure(r.in.Figures, name, fmtName)
}

func lookupFigure(figs *figure.Set, name, fmtName string) (*figure.Figure, format.Spec, error) {
	f, ok := figs.Get(name)
	if !ok {
		return nil, format.Spec{}, fmt.Errorf("unknown figure %q (figures are declared in figures.toml)", name)
	}
	if fmtName == "" {
		fmtName = f.Format
	}
	sp, err := format.ParseSpec(fmtName)
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

// rowColumn resolves a column of the page's table and the format to show
// it in ("" for the column's default).
func rowColumn(each *table.Table, col, fmtName string) (int, format.Spec, error) {
	if each == nil {
		return 0, format.Spec{}, fmt.Errorf("{{row …}} needs a page made per row (each = TABLE in the front matter)")
	}
	c := each.Col(col)
	if c < 0 {
		return 0, format.Spec{}, fmt.Errorf("unknown column %q in %q (columns: %s)", col, each.Name, strings.Join(each.ColumnNames(), ", "))
	}
	k := each.Columns[c].Kind
	if fmtName == "" {
		fmtName = format.ForKind(k)
	}
	sp, err := format.ParseSpec(fmtName)
	if err == nil {
		err = format.Check(sp, k)
	}
	return c, sp, err
}

// text resolves an inline reference, checked already, on a page; w is its
// row, or nil.
func (r *resolver) text(ref narrative.Inline, w *row) (string, error) {
	switch n := ref.(type) {
	case *narrative.FigRef:
		f, sp, err := r.figure(n.Name, n.Format)
		if err != nil {
			return "", err
		}
		return showFigure(r.in.Format, f, sp)
	case *narrative.RowRef:
		c, sp, err := rowColumn(w.t, n.Column, n.Format)
		if err != nil {
			return "", err
		}
		v := w.t.Rows[w.r][c]
		if v.Null {
			return "", diag.Content.Errorf(w.t.Pos(w.r, c), "column %q is empty for this page's row", w.t.Columns[c].Name)
		}
		return r.in.Format.Show(sp, w.t.Columns[c].Kind, v)
	case *narrative.IfRef:
		return cond(n, env(r.in.Figures, w, r.in.Editions))
	}
	return r.editionText(ref)
}

// texts resolves inline references, each at its slot.
func (r *resolver) texts(refs []narrative.Inline, w *row) ([]string, error) {
	n := 0
	for _, ref := range refs {
		n = max(n, ref.TextSlot()+1)
	}
	out := make([]string, n)
	for _, ref := range refs {
		s, err := r.text(ref, w)
		if err != nil {
			return nil, positioned(ref.RefSpan().At, err)
		}
		out[ref.TextSlot()] = s
	}
	return out, nil
}

func cond(n *narrative.IfRef, env expr.Env) (string, error) {
	v, err := expr.Eval(n.Expr, env)
	if err != nil {
		return "", err
	}
	if v.Truthy() {
		return n.Then, nil
	}
	return n.Else, nil
}

func showFigure(fm *format.Formatter, f *figure.Figure, sp format.Spec) (string, error) {
	if f.Missing {
		return f.Fallback, nil
	}
	return fm.Show(sp, f.Kind, table.Value{F: f.Value.Num, S: f.Value.Str})
}

// env resolves figures, on a row page row.COLUMN, and in a series the
// edition functions.
func env(figs *figure.Set, w *row, eds *edition.Comparison) expr.Env {
	fenv := figs.Env()
	e := func(name string) (expr.Value, bool, error) {
		if col, ok := strings.CutPrefix(name, "row."); ok && w != nil {
			return tableview.RowEnv(w.t, w.r)(col)
		}
		return fenv(name)
	}
	if eds == nil {
		return e
	}
	return eds.Env(e)
}

// page prepares one page; w is its row, or nil.
func (r *resolver) page(s source, out string, w *row) (Page, error) {
	d := s.doc
	p := Page{Doc: d, Path: out, Charts: map[string]*chart.Chart{}, Tables: map[string]*tableview.View{}}
	var err error
	if p.Text, err = r.texts(s.inline, w); err != nil {
		return p, err
	}
	if p.Title, err = r.fill(s.title, w); err != nil {
		return p, err
	}
	if p.Description, err = r.fill(s.desc, w); err != nil {
		return p, err
	}
	if err := r.bind(&p, s.blocks, w); err != nil {
		return p, err
	}
	p.Links = hrefs(d, out)
	return p, nil
}

func (r *resolver) fill(t narrative.Text, w *row) (string, error) {
	texts, err := r.texts(t.Refs, w)
	if err != nil {
		return "", err
	}
	return t.Fill(texts), nil
}

// bind binds the charts and tables the page places to its row.
func (r *resolver) bind(p *Page, blocks []narrative.Block, w *row) error {
	var rowText chart.RowFunc
	if w != nil {
		rowText = w.text
	}
	for _, b := range blocks {
		var err error
		switch n := b.(type) {
		case *narrative.ChartRef:
			s := r.in.Charts[n.Name]
			expand := func(key, text string) (string, error) { return r.expand(text, s.TextPos(key), w) }
			p.Charts[n.Name], err = r.chart(p.Path, s, rowText, expand)
		case *narrative.TableRef:
			s := r.in.Views[n.Name]
			var v *tableview.View
			if v, err = r.table(p.Path, s, rowText); err == nil {
				err = r.expandTable(v, s, w)
			}
			p.Tables[n.Name] = v
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// chart binds a chart placed on the page at path, with the previous
// edition's markers when it asks for them.
func (r *resolver) chart(path string, s *chart.Spec, rowText chart.RowFunc, expand func(key, text string) (string, error)) (*chart.Chart, error) {
	c, err := chart.BindExpanded(s, r.in.Tables, r.in.Format, rowText, expand)
	if err != nil || !s.Previous {
		return c, err
	}
	var prev *chart.Previous
	if r.in.Editions != nil {
		prev = r.in.Editions.Chart(path, s.Name())
	}
	return c, chart.MarkPrevious(c, s, prev, r.in.Format)
}

// table builds a table placed on the page at path, with its change
// columns when it asks for them.
func (r *resolver) table(path string, s *tableview.Spec, rowText chart.RowFunc) (*tableview.View, error) {
	v, err := tableview.Build(s, r.in.Tables, r.in.Format, rowText)
	if err != nil || len(s.Changes) == 0 {
		return v, err
	}
	var prev *tableview.PreviousTable
	if r.in.Editions != nil {
		prev = r.in.Editions.Table(path, s.Name())
	}
	return v, tableview.Changes(v, s, r.in.Format, prev)
}

// expandTable resolves the references in a table's caption, note and the
// headers its definition names.
func (r *resolver) expandTable(v *tableview.View, s *tableview.Spec, w *row) error {
	var err error
	if v.Caption, err = r.expand(v.Caption, s.TextPos("caption"), w); err != nil {
		return err
	}
	if v.Note, err = r.expand(v.Note, s.TextPos("note"), w); err != nil {
		return err
	}
	for i, col := range v.Columns {
		if s.Headers[col] == "" {
			continue // from the column's name: data, never a reference
		}
		if v.Header[i].Text, err = r.expand(v.Header[i].Text, s.TextPos("headers", col), w); err != nil {
			return err
		}
	}
	return nil
}

// expand checks and resolves the references in text from a definition
// file, which begins at start; w is the page's row, or nil.
func (r *resolver) expand(text string, start diag.Pos, w *row) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := narrative.ParseText(text, start)
	if err != nil {
		return "", err
	}
	var each *table.Table
	if w != nil {
		each = w.t
	}
	var errs []error
	for _, ref := range t.Refs {
		errs = append(errs, r.check(ref, each))
	}
	if err := diag.Join(errs...); err != nil {
		return "", err
	}
	return r.fill(t, w)
}

// rowPages makes one page per row of the file's table, named by its slug
// column (default: the first column).
func (r *resolver) rowPages(s source) ([]Page, error) {
	d, t := s.doc, s.each
	slugCol := 0
	if d.Meta.Slug != "" {
		if slugCol = t.Col(d.Meta.Slug); slugCol < 0 {
			return nil, diag.Content.Errorf(d.FrontMatterPos("slug"), "slug = %q: no such column in %q (columns: %s)", d.Meta.Slug, t.Name, strings.Join(t.ColumnNames(), ", "))
		}
	}
	dir := strings.TrimSuffix(Path(d.File), ".html")
	values := make([]string, len(t.Rows))
	for i := range t.Rows {
		values[i] = table.Format(t.Columns[slugCol].Kind, t.Rows[i][slugCol])
	}
	slugs, dups := Slugs(values)
	var pages []Page
	for i := range t.Rows {
		slug := slugs[i]
		if slug == "" {
			return nil, diag.Content.Errorf(t.Pos(i, slugCol), "the page for this row has no name: column %q is empty or has no letters or digits", t.Columns[slugCol].Name)
		}
		if prev := dups[i]; prev >= 0 {
			return nil, diag.Content.Errorf(t.Pos(i, slugCol), "two rows would make the page %s/%s.html: this one and %s; make the %q values distinct",
				dir, slug, t.Pos(prev, slugCol), t.Columns[slugCol].Name)
		}
		p, err := r.page(s, dir+"/"+slug+".html", &row{t: t, r: i})
		if err != nil {
			return nil, err
		}
		p.Row = i
		pages = append(pages, p)
	}
	return pages, nil
}

// listCollections checks the page's {{pages NAME}} references and gives it
// the links.
func listCollections(p *Page, lists []listRef, collections map[string][]Link) error {
	for _, n := range lists {
		links, ok := collections[n.name]
		if !ok {
			return diag.Content.Errorf(n.at, "no pages are made per row from %q (want the name of a content file with each = TABLE, such as %s)", n.name, strings.Join(slices.Sorted(maps.Keys(collections)), ", "))
		}
		if p.Lists == nil {
			p.Lists = map[string][]Link{}
		}
		p.Lists[n.name] = links
	}
	return nil
}

// positioned puts err at pos unless it already carries a position.
func positioned(pos diag.Pos, err error) error {
	if diag.IsSource(err) {
		return err
	}
	return diag.Content.Wrap(pos, err)
}
