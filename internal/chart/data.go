package chart

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// Other names the series or slice that collects what top-N leaves out.
const Other = "Other"

// series is one computed series: a value per category (NaN when missing).
type series struct {
	Name   string
	Type   string // bar or line
	Right  bool   // on the right-hand axis
	Format string
	Values []float64
}

// shaped is a chart's data after filtering, grouping and folding.
type shaped struct {
	Categories []string // display labels, in order
	Series     []series
	XName      string
}

// columnRef finds a column in a table or in the joined table.
type columnRef struct {
	tbl  int // 0: the chart's table, 1: the joined table
	col  int
	kind table.Kind
}

// binder resolves a spec against the loaded tables.
type binder struct {
	spec   *Spec
	title  string // the chart's title, its references resolved
	fm     *format.Formatter
	row    RowFunc
	tables map[string]*table.Table
	main   *table.Table
	joined *table.Table
	join   []int // row in joined for each row in main, -1 if none
}

func (b *binder) column(name string, pos diag.Pos) (columnRef, error) {
	if c := b.main.Col(name); c >= 0 {
		return columnRef{0, c, b.main.Columns[c].Kind}, nil
	}
	if b.joined != nil {
		if c := b.joined.Col(name); c >= 0 {
			return columnRef{1, c, b.joined.Columns[c].Kind}, nil
		}
	}
	have := b.main.ColumnNames()
	if b.joined != nil {
		have = append(have, b.joined.ColumnNames()...)
	}
	return columnRef{}, b.spec.errf(pos, "unknown column %q in table %q (columns: %s)", name, b.main.Name, strings.Join(have, ", "))
}

func (b *binder) value(row int, c columnRef) table.Value {
	if c.tbl == 0 {
		return b.main.Rows[row][c.col]
	}
	if j := b.join[row]; j >= 0 {
		return b.joined.Rows[j][c.col]
	}
	return table.Value{Null: true}
}

func (b *binder) lookupTable(name string, pos diag.Pos) (*table.Table, error) {
	t, ok := b.tables[name]
	if !ok {
		names := make([]string, 0, len(b.tables))
		for n := range b.tables {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, b.spec.errf(pos, "unknown table %q (tables: %s)", name, strings.Join(names, ", "))
	}
	return t, nil
}

func (b *binder) bindJoin() error {
	j := b.spec.Join
	if j == nil {
		return nil
	}
	t, err := b.lookupTable(j.Table, b.spec.ix.Value("join", "table"))
	if err != nil {
		return err
	}
	on := b.main.Col(j.On)
	onJ := t.Col(j.On)
	if on < 0 || onJ < 0 {
		return b.spec.errf(b.spec.ix.Value("join", "on"), "join column %q must be in both %q and %q", j.On, b.main.Name, t.Name)
	}
	index := map[string]int{}
	for r := range t.Rows {
		k := table.Format(t.Columns[onJ].Kind, t.Rows[r][onJ])
		if _, dup := index[k]; !dup {
			index[k] = r
		}
	}
	b.joined = t
	b.join = make([]int, len(b.main.Rows))
	for r := range b.main.Rows {
		k := table.Format(b.main.Columns[on].Kind, b.main.Rows[r][on])
		if i, ok := index[k]; ok {
			b.join[r] = i
		} else {
			b.join[r] = -1
		}
	}
	return nil
}

// rows returns the rows to chart: all of them, or only those holding the
// latest value of spec.Latest.
func (b *binder) rows() ([]int, error) {
	var rows []int
	if b.spec.Each != "" {
		c, err := b.column(b.spec.Each, b.spec.ix.Value("each"))
		if err != nil {
			return nil, err
		}
		if b.row == nil {
			return nil, b.spec.errf(b.spec.ix.Value("each"), "each = %q: this chart can only be placed on a page made per row", b.spec.Each)
		}
		want, ok := b.row(b.spec.Each)
		if !ok {
			return nil, b.spec.errf(b.spec.ix.Value("each"), "the page's row has no column %q", b.spec.Each)
		}
		if c.tbl == 0 {
			rows = slices.Clone(b.main.RowsWhere(c.col, want))
		} else {
			rows = slices.DeleteFunc(b.allRows(), func(r int) bool { return table.Format(c.kind, b.value(r, c)) != want })
		}
	} else {
		rows = b.allRows()
	}
	if b.spec.Latest == "" {
		return rows, nil
	}
	c, err := b.column(b.spec.Latest, b.spec.ix.Value("latest"))
	if err != nil {
		return nil, err
	}
	if c.kind == table.Text {
		return nil, b.spec.errf(b.spec.ix.Value("latest"), "latest needs a date, month, quarter or number column; %q is text", b.spec.Latest)
	}
	best := math.Inf(-1)
	for _, r := range rows {
		if v := b.value(r, c); !v.Null && v.F > best {
			best = v.F
		}
	}
	return slices.DeleteFunc(rows, func(r int) bool { v := b.value(r, c); return v.Null || v.F != best }), nil
}

func (b *binder) allRows() []int {
	rows := make([]int, len(b.main.Rows))
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// shape filters, groups and aggregates the data of a bound spec.
func shape(s *Spec, title string, tables map[string]*table.Table, fm *format.Formatter, row RowFunc) (*shaped, error) {
	b := &binder{spec: s, title: title, tables: tables, fm: fm, row: row}
	var err error
	if b.main, err = b.lookupTable(s.Table, s.ix.Value("table")); err != nil {
		return nil, err
	}
	if err := b.bindJoin(); err != nil {
		return nil, err
	}
	x, err := b.column(s.X, s.ix.Value("x"))
	if err != nil {
		return nil, err
	}
	rows, err := b.rows()
	if err != nil {
		return nil, err
	}
	cats := newCategories(b.fm, x.kind)
	catsOf := func(r int) []int {
		v := b.value(r, x)
		if v.Null {
			return nil
		}
		key := table.Format(x.kind, v)
		if s.XSeparator == "" {
			return []int{cats.add(key, v)}
		}
		var out []int
		for _, part := range strings.Split(key, s.XSeparator) {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, cats.add(part, table.Value{S: part}))
			}
		}
		return out
	}
	var list []*accum
	switch {
	case len(s.Series) > 0:
		list, err = b.explicitSeries(rows, catsOf)
	case s.Split != "":
		list, err = b.splitSeries(rows, catsOf)
	default:
		list, err = b.singleSeries(rows, catsOf)
	}
	if err != nil {
		return nil, err
	}
	out := &shaped{XName: s.X}
	order := cats.order()
	for _, a := range list {
		out.Series = append(out.Series, a.result(order))
	}
	out.Categories = make([]string, len(order))
	for i, c := range order {
		out.Categories[i] = cats.labels[c]
	}
	out.sortAndFold(s)
	return out, nil
}

func (b *binder) numeric(name string, pos diag.Pos, agg string) (columnRef, error) {
	if agg == "count" && name == "" {
		return columnRef{tbl: -1}, nil
	}
	c, err := b.column(name, pos)
	if err != nil {
		return c, err
	}
	if agg != "count" && agg != "last" && !c.kind.IsNumeric() {
		return c, b.spec.errf(pos, "column %q is %s; %s needs a number, money or percent column", name, c.kind, agg)
	}
	return c, nil
}

func (b *binder) singleSeries(rows []int, catsOf func(int) []int) ([]*accum, error) {
	s := b.spec
	agg := aggOf(s.Agg, "")
	y, err := b.numeric(s.Y, s.ix.Value("y"), agg)
	if err != nil {
		return nil, err
	}
	name := b.title
	if name == "" {
		name = s.Y
	}
	a := newAccum(name, agg, defaultFormat(s.Format, y.kind, agg))
	for _, r := range rows {
		for _, c := range catsOf(r) {
			a.add(c, b.yValue(r, y))
		}
	}
	return []*accum{a}, nil
}

func (b *binder) yValue(r int, y columnRef) table.Value {
	if y.tbl < 0 {
		return table.Value{F: 1}
	}
	return b.value(r, y)
}

func (b *binder) splitSeries(rows []int, catsOf func(int) []int) ([]*accum, error) {
	s := b.spec
	agg := aggOf(s.Agg, "")
	y, err := b.numeric(s.Y, s.ix.Value("y"), agg)
	if err != nil {
		return nil, err
	}
	split, err := b.column(s.Split, s.ix.Value("split"))
	if err != nil {
		return nil, err
	}
	byName := map[string]*accum{}
	var list []*accum
	fmtName := defaultFormat(s.Format, y.kind, agg)
	for _, r := range rows {
		sv := b.value(r, split)
		if sv.Null {
			continue
		}
		name := label(b.fm, split.kind, sv)
		a := byName[name]
		if a == nil {
			a = newAccum(name, agg, fmtName)
			byName[name] = a
			list = append(list, a)
		}
		for _, c := range catsOf(r) {
			a.add(c, b.yValue(r, y))
		}
	}
	return list, nil
}

func (b *binder) explicitSeries(rows []int, catsOf func(int) []int) ([]*accum, error) {
	s := b.spec
	var list []*accum
	for i, ss := range s.Series {
		agg := aggOf(ss.Agg, s.Agg)
		y, err := b.numeric(ss.Y, s.ix.ElemValue("series", i, "y"), agg)
		if err != nil {
			return nil, err
		}
		name := ss.Name
		if name == "" {
			name = ss.Y
		}
		a := newAccum(name, agg, defaultFormat(firstNonEmpty(ss.Format, s.Format), y.kind, agg))
		a.typ, a.right, a.scale = ss.Type, ss.Axis == "right", ss.Scale
		for _, r := range rows {
			for _, c := range catsOf(r) {
				a.add(c, b.yValue(r, y))
			}
		}
		list = append(list, a)
	}
	return list, nil
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// defaultFormat is the format of a series' values when the spec names
// none: a count is a whole number, and a "last" of a column that is not a
// number plots the number behind it; other values keep their kind's
// format.
func defaultFormat(explicit string, k table.Kind, agg string) string {
	switch {
	case explicit != "":
		return explicit
	case agg == "count":
		return "integer"
	case !k.IsNumeric():
		return "number"
	}
	return format.ForKind(k)
}

// label is the display text of a category or series value.
func label(fm *format.Formatter, k table.Kind, v table.Value) string {
	switch k {
	case table.Month:
		return fm.Month(int(v.F))
	case table.Quarter:
		return fm.Quarter(int(v.F))
	case table.Date:
		return fm.Date(int(v.F))
	case table.Number, table.Money, table.Percent:
		s, _ := fm.Number(format.Spec{Name: "number", Decimals: -1}, v.F)
		return s
	}
	return table.Format(k, v)
}

// categories collects distinct category values. Time and number
// categories are ordered by value; text ones by first appearance.
type categories struct {
	fm     *format.Formatter
	kind   table.Kind
	index  map[string]int
	labels []string
	vals   []table.Value
}

func newCategories(fm *format.Formatter, k table.Kind) *categories {
	return &categories{fm: fm, kind: k, index: map[string]int{}}
}

func (c *categories) add(key string, v table.Value) int {
	if i, ok := c.index[key]; ok {
		return i
	}
	i := len(c.labels)
	c.index[key] = i
	lbl := key
	if c.kind != table.Text {
		lbl = label(c.fm, c.kind, v)
	}
	c.labels = append(c.labels, lbl)
	c.vals = append(c.vals, v)
	return i
}

func (c *categories) order() []int {
	order := make([]int, len(c.labels))
	for i := range order {
		order[i] = i
	}
	if c.kind != table.Text {
		sort.SliceStable(order, func(i, j int) bool { return c.vals[order[i]].F < c.vals[order[j]].F })
	}
	return order
}

// accum aggregates one series by category.
type accum struct {
	name, agg, format, typ string
	right                  bool
	scale                  float64
	sum, n, last           map[int]float64
}

func newAccum(name, agg, format string) *accum {
	return &accum{name: name, agg: agg, format: format, sum: map[int]float64{}, n: map[int]float64{}, last: map[int]float64{}}
}

func (a *accum) add(cat int, v table.Value) {
	if v.Null {
		return
	}
	a.sum[cat] += v.F
	a.n[cat]++
	a.last[cat] = v.F
}

func (a *accum) result(order []int) series {
	s := series{Name: a.name, Type: a.typ, Right: a.right, Format: a.format, Values: make([]float64, len(order))}
	for i, c := range order {
		v := math.NaN()
		if a.n[c] > 0 {
			switch a.agg {
			case "count":
				v = a.n[c]
			case "mean":
				v = a.sum[c] / a.n[c]
			case "last":
				v = a.last[c]
			default:
				v = a.sum[c]
			}
			if a.scale != 0 {
				v *= a.scale
			}
		}
		s.Values[i] = v
	}
	return s
}

// sortAndFold applies sort and top-N. With several series from a split,
// top-N keeps the largest series; with one series it keeps the largest
// categories. What is left out is added up into Other.
func (d *shaped) sortAndFold(s *Spec) {
	if s.Top > 0 && s.Split != "" && len(d.Series) > s.Top {
		sort.SliceStable(d.Series, func(i, j int) bool { return total(d.Series[i].Values) > total(d.Series[j].Values) })
		other := series{Name: Other, Type: d.Series[0].Type, Format: d.Series[0].Format, Values: make([]float64, len(d.Categories))}
		for i := range other.Values {
			other.Values[i] = math.NaN()
		}
		for _, rest := range d.Series[s.Top:] {
			for i, v := range rest.Values {
				if !math.IsNaN(v) {
					other.Values[i] = nan0(other.Values[i]) + v
				}
			}
		}
		d.Series = append(d.Series[:s.Top], other)
	}
	fold := s.Top > 0 && s.Split == "" && len(d.Categories) > s.Top
	if s.Sort != "" || (s.Top > 0 && s.Split == "") {
		// Folding keeps the largest categories, whatever the order.
		d.sortCategories(fold || s.Sort != "asc")
	}
	if fold {
		rests := make([]float64, len(d.Series))
		for k := range d.Series {
			vals := d.Series[k].Values
			rests[k] = math.NaN()
			for _, v := range vals[s.Top:] {
				if !math.IsNaN(v) {
					rests[k] = nan0(rests[k]) + v
				}
			}
			d.Series[k].Values = vals[:s.Top:s.Top]
		}
		d.Categories = d.Categories[:s.Top:s.Top]
		if s.Sort == "asc" {
			d.sortCategories(false) // the kept ones; Other stays last
		}
		for k := range d.Series {
			d.Series[k].Values = append(d.Series[k].Values, rests[k])
		}
		d.Categories = append(d.Categories, Other)
	}
}

func (d *shaped) sortCategories(desc bool) {
	idx := make([]int, len(d.Categories))
	totals := make([]float64, len(d.Categories))
	for i := range idx {
		idx[i] = i
		for _, s := range d.Series {
			totals[i] += nan0(s.Values[i])
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if desc {
			return totals[idx[a]] > totals[idx[b]]
		}
		return totals[idx[a]] < totals[idx[b]]
	})
	d.Categories = permute(d.Categories, idx)
	for k := range d.Series {
		d.Series[k].Values = permute(d.Series[k].Values, idx)
	}
}

func permute[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

func total(vals []float64) float64 {
	t := 0.0
	for _, v := range vals {
		t += nan0(v)
	}
	return t
}

func nan0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
