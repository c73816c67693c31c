// Package tableview turns a table definition (tables/NAME.toml) into the
// rows, cells and formats of an HTML table placed in prose with
// {{table NAME}}:
//
//	source = "customer_share"          # a loaded table or a query
//	caption = "Largest customers"
//	columns = ["customer", "monthly_spend_usd", "share"]
//	where = 'month == "2022-03"'       # keep rows where this holds
//	sort = "monthly_spend_usd desc"
//	limit = 10
//	totals = ["monthly_spend_usd", "share"]
//	highlight = "share > 20%"          # mark rows where this holds
//	each = "customer"                  # on a row page: this row's rows only
//	changes = ["share"]                # in a series: how each moved since the last edition
//	change_key = "customer"            # what matches rows across editions (default: the first column)
//	[headers]                          # default: site.toml [labels], else Heading
//	customer = "Customer"
//	[formats]
//	share = "percent:1"
//
// The caption, the note and the headers may quote figures ({{fig NAME}},
// {{row COL}}, {{if …}}): the page stage expands them where the table is
// placed, in View.Caption, View.Note and View.Header.
//
// Conditions use the expr language with the row's columns as names; months,
// quarters and dates compare as text (month == "2022-03"). Numbers are
// right-aligned; every value goes through the briefing's formatter, and
// percentages keep one decimal so that a column lines up (6.0%, 24.1%).
package tableview

import (
	"errors"
	"io/fs"
	"maps"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// Dir is the folder of table definitions.
const Dir = "tables"

// Spec is one table definition.
type Spec struct {
	Source    string            `toml:"source"`
	Caption   string            `toml:"caption"`
	Note      string            `toml:"note"`
	Columns   []string          `toml:"columns"`
	Where     string            `toml:"where"`
	Sort      string            `toml:"sort"`
	Limit     int               `toml:"limit"`
	Totals    []string          `toml:"totals"`
	Highlight string            `toml:"highlight"`
	Each      string            `toml:"each"`
	Changes   []string          `toml:"changes"`
	ChangeKey string            `toml:"change_key"`
	Headers   map[string]string `toml:"headers"`
	Formats   map[string]string `toml:"formats"`

	name   string
	file   string
	ix     *tomlpos.Index
	labels map[string]string // site.toml [labels], see SetLabels
}

// TextPos returns where the text of the string value at path begins in
// the definition (caption, note, headers COLUMN): references are placed
// from it.
func (s *Spec) TextPos(path ...string) diag.Pos { return s.ix.TextStart(path...) }

// Name is the table's name: its file name without .toml.
func (s *Spec) Name() string { return s.name }

// Cell is one formatted value.
type Cell struct {
	Text    string
	Numeric bool // right-aligned
}

// Row is one body row.
type Row struct {
	Cells     []Cell
	Values    []table.Value // the values the cells show, for the record of the build
	Highlight bool
}

// View is a table ready to render.
type View struct {
	Name    string
	Caption string
	Note    string
	Header  []Cell
	Columns []string     // the source column of each header cell
	Kinds   []table.Kind // the kind of each column's values
	Rows    []Row
	Totals  []Cell // nil without a totals row
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// LoadSpecs reads tables/*.toml, reporting every bad file at once.
func LoadSpecs(fsys fs.FS) (map[string]*Spec, error) {
	specs := map[string]*Spec{}
	err := tomlpos.EachFile(fsys, Dir, func(file string, src []byte) error {
		s, err := ParseSpec(file, src)
		if err == nil {
			specs[s.name] = s
		}
		return err
	})
	return specs, err
}

// ParseSpec decodes one table definition.
func ParseSpec(file string, src []byte) (*Spec, error) {
	name := strings.TrimSuffix(path.Base(file), ".toml")
	if !namePattern.MatchString(name) {
		return nil, diag.Table.Errorf(diag.Pos{File: file}, "table file name %q: use lower-case letters, digits, - and _", name)
	}
	s := &Spec{name: name, file: file}
	if _, err := tomlpos.Decode(diag.Table, file, src, s); err != nil {
		return nil, err
	}
	s.ix = tomlpos.New(file, src)
	if s.Source == "" {
		return nil, diag.Table.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "table %q: source is required (a table or query name)", name)
	}
	if s.Limit < 0 {
		return nil, diag.Table.Errorf(s.ix.Value("limit"), "table %q: limit must be positive", name)
	}
	for col, f := range s.Formats {
		if _, err := format.ParseSpec(f); err != nil {
			return nil, diag.Table.Errorf(s.ix.Value("formats", col), "table %q: %v", name, err)
		}
	}
	return s, nil
}

// Build computes the view. row, when set, is the page's row for a table
// with each = COLUMN: only rows whose COLUMN matches it are kept.
func Build(s *Spec, tables map[string]*table.Table, fm *format.Formatter, row func(col string) (string, bool)) (*View, error) {
	t, ok := tables[s.Source]
	if !ok {
		return nil, diag.Table.Errorf(s.ix.Value("source"), "table %q: unknown source %q (tables and queries: %s)", s.name, s.Source, strings.Join(slices.Sorted(maps.Keys(tables)), ", "))
	}
	cols, err := s.columns(t)
	if err != nil {
		return nil, err
	}
	rows, err := s.filter(t, row)
	if err != nil {
		return nil, err
	}
	if err := s.sortRows(t, rows); err != nil {
		return nil, err
	}
	if s.Limit > 0 && len(rows) > s.Limit {
		rows = rows[:s.Limit]
	}
	v := &View{Name: s.name, Caption: s.Caption, Note: s.Note}
	specs := make([]format.Spec, len(cols))
	for i, c := range cols {
		col := t.Columns[c]
		v.Header = append(v.Header, Cell{Text: s.header(col.Name), Numeric: col.Kind.IsNumeric()})
		v.Columns = append(v.Columns, col.Name)
		v.Kinds = append(v.Kinds, col.Kind)
		name := s.Formats[col.Name]
		if name == "" {
			name = format.ForKind(col.Kind)
		}
		specs[i], _ = format.ParseSpec(name)
		if specs[i].Decimals < 0 && (specs[i].Name == "percent" || specs[i].Name == "change" || specs[i].Name == "pp") {
			specs[i].Decimals = 1 // a column reads best with aligned decimals: 6.0%, 24.1%
		}
		if err := format.Check(specs[i], col.Kind); err != nil {
			return nil, diag.Table.Errorf(s.ix.Value("formats", col.Name), "table %q: column %q: %v", s.name, col.Name, err)
		}
		specs[i] = format.ForColumn(specs[i], columnValues(t, rows, c))
	}
	hl, err := s.compile(s.Highlight, "highlight")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out := Row{}
		for i, c := range cols {
			text := ""
			if val := t.Rows[r][c]; !val.Null {
				if text, err = fm.Show(specs[i], t.Columns[c].Kind, val); err != nil {
					return nil, diag.Table.Errorf(t.Pos(r, c), "%v", err)
				}
			}
			out.Cells = append(out.Cells, Cell{Text: text, Numeric: t.Columns[c].Kind.IsNumeric()})
			out.Values = append(out.Values, t.Rows[r][c])
		}
		if hl != nil {
			ok, err := s.holds(hl, t, r, "highlight")
			if err != nil {
				return nil, err
			}
			out.Highlight = ok
		}
		v.Rows = append(v.Rows, out)
	}
	if len(s.Totals) > 0 {
		if v.Totals, err = s.totals(t, cols, specs, rows, fm); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Spec) columns(t *table.Table) ([]int, error) {
	// Headers and formats name columns of the source whether or not
	// columns is set: a misspelt one is an error, not ignored.
	for _, col := range slices.Sorted(maps.Keys(s.Headers)) {
		if t.Col(col) < 0 {
			return nil, s.unknownColumn(t, col, s.ix.Key("headers", col))
		}
	}
	for _, col := range slices.Sorted(maps.Keys(s.Formats)) {
		if t.Col(col) < 0 {
			return nil, s.unknownColumn(t, col, s.ix.Key("formats", col))
		}
	}
	if len(s.Columns) == 0 {
		idx := make([]int, len(t.Columns))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	var idx []int
	for i, name := range s.Columns {
		c := t.Col(name)
		if c < 0 {
			return nil, s.unknownColumn(t, name, s.item("columns", i))
		}
		idx = append(idx, c)
	}
	return idx, nil
}

// item is where element i of the array value of key is written, or the
// value when the element cannot be located.
func (s *Spec) item(key string, i int) diag.Pos {
	if p := s.ix.Item(i, key); p.Line > 0 {
		return p
	}
	return s.ix.Value(key)
}

func (s *Spec) unknownColumn(t *table.Table, name string, pos diag.Pos) error {
	return diag.Table.Errorf(pos, "table %q: unknown column %q in %q (columns: %s)", s.name, name, t.Name, strings.Join(t.ColumnNames(), ", "))
}

func (s *Spec) compile(src, key string) (expr.Node, error) {
	if src == "" {
		return nil, nil
	}
	n, err := expr.Parse(src)
	if err != nil {
		var ee *expr.Error
		errors.As(err, &ee)
		return nil, diag.Table.Errorf(s.exprPos(key, ee.Off), "table %q: %s", s.name, ee.Msg)
	}
	return n, nil
}

func (s *Spec) exprPos(key string, off int) diag.Pos {
	p := s.ix.Value(key)
	if p.Col > 0 {
		p.Col += off + 1
	}
	return p
}

// holds evaluates a condition on row r.
func (s *Spec) holds(n expr.Node, t *table.Table, r int, key string) (bool, error) {
	v, err := expr.Eval(n, RowEnv(t, r))
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return false, diag.Table.Errorf(s.exprPos(key, ee.Off), "table %q: %s (row %d of %q)", s.name, ee.Msg, r+1, t.Name)
		}
		return false, err
	}
	return v.Truthy(), nil
}

// RowEnv resolves names to the columns of row r: numbers for quantities,
// canonical text for the rest. A missing value is an error.
func RowEnv(t *table.Table, r int) expr.Env {
	return func(name string) (expr.Value, bool, error) {
		c := t.Col(name)
		if c < 0 {
			return expr.Value{}, false, nil
		}
		v, k := t.Rows[r][c], t.Columns[c].Kind
		if v.Null {
			return expr.Value{}, true, diag.Table.Errorf(t.Pos(r, c), "column %q is empty", name)
		}
		if k.IsNumeric() {
			return expr.Num(v.F), true, nil
		}
		return expr.Text(table.Format(k, v)), true, nil
	}
}

func (s *Spec) filter(t *table.Table, row func(string) (string, bool)) ([]int, error) {
	where, err := s.compile(s.Where, "where")
	if err != nil {
		return nil, err
	}
	each, want := -1, ""
	if s.Each != "" {
		if each = t.Col(s.Each); each < 0 {
			return nil, s.unknownColumn(t, s.Each, s.ix.Value("each"))
		}
		if row == nil {
			return nil, diag.Table.Errorf(s.ix.Value("each"), "table %q has each = %q, so it can only be placed on a page made per row", s.name, s.Each)
		}
		var ok bool
		if want, ok = row(s.Each); !ok {
			return nil, diag.Table.Errorf(s.ix.Value("each"), "table %q: this page's row has no column %q", s.name, s.Each)
		}
	}
	candidates := allRows(len(t.Rows))
	if each >= 0 {
		candidates = t.RowsWhere(each, want)
	}
	var rows []int
	for _, r := range candidates {
		if where != nil {
			ok, err := s.holds(where, t, r, "where")
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (s *Spec) sortRows(t *table.Table, rows []int) error {
	if s.Sort == "" {
		return nil
	}
	fields := strings.Fields(s.Sort)
	desc := len(fields) == 2 && strings.EqualFold(fields[1], "desc")
	if len(fields) == 0 || len(fields) > 2 || len(fields) == 2 && !desc && !strings.EqualFold(fields[1], "asc") {
		return diag.Table.Errorf(s.ix.Value("sort"), "table %q: sort %q: want COLUMN, COLUMN asc or COLUMN desc", s.name, s.Sort)
	}
	c := t.Col(fields[0])
	if c < 0 {
		return s.unknownColumn(t, fields[0], s.ix.Value("sort"))
	}
	k := t.Columns[c].Kind
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := t.Rows[rows[i]][c], t.Rows[rows[j]][c]
		if a.Null != b.Null {
			return b.Null // empty values last
		}
		var less bool
		if k == table.Text {
			less = a.S < b.S
			if desc {
				less = a.S > b.S
			}
		} else {
			less = a.F < b.F
			if desc {
				less = a.F > b.F
			}
		}
		return less
	})
	return nil
}

func (s *Spec) totals(t *table.Table, cols []int, specs []format.Spec, rows []int, fm *format.Formatter) ([]Cell, error) {
	out := make([]Cell, len(cols))
	out[0] = Cell{Text: "Total"}
	for k, name := range s.Totals {
		i := slices.IndexFunc(cols, func(c int) bool { return t.Columns[c].Name == name })
		if i < 0 {
			return nil, diag.Table.Errorf(s.item("totals", k), "table %q: totals column %q is not among the table's columns", s.name, name)
		}
		c := cols[i]
		if !t.Columns[c].Kind.IsNumeric() {
			return nil, diag.Table.Errorf(s.item("totals", k), "table %q: cannot total column %q: it is %s", s.name, name, t.Columns[c].Kind)
		}
		sum, n := 0.0, 0
		for _, r := range rows {
			if v := t.Rows[r][c]; !v.Null {
				sum += v.F
				n++
			}
		}
		if n == 0 || math.IsNaN(sum) {
			continue
		}
		text, err := fm.Number(specs[i], sum)
		if err != nil {
			return nil, diag.Table.Errorf(s.ix.Value("totals"), "table %q: %v", s.name, err)
		}
		out[i] = Cell{Text: text, Numeric: true}
	}
	return out, nil
}

// columnValues lists the numbers of column c in the rows shown.
func columnValues(t *table.Table, rows []int, c int) []float64 {
	var vals []float64
	if t.Columns[c].Kind.IsNumeric() {
		for _, r := range rows {
			if v := t.Rows[r][c]; !v.Null {
				vals = append(vals, v.F)
			}
		}
	}
	return vals
}

func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}
