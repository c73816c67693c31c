// Package figure computes the named single values that prose, titles and
// templates quote: "TikTok's share of spend is {{fig tiktok_share}}".
//
// Figures are declared in figures.toml at the site root, one table each:
//
//	[tiktok_spend]
//	sql = "SELECT monthly_spend_usd FROM monthly_spend WHERE customer = 'TikTok' AND month = '2022-03'"
//
//	[tiktok_share]
//	expr = "tiktok_spend / total_spend"
//	format = "percent"
//
// A sql figure must return exactly one row with one column; its type comes
// from the column (money stays money). An expr figure is computed from other
// figures with the expr language. A figure that depends on itself, a
// division by zero, an empty result, or a NULL is an error at the figure's
// line, unless the figure sets a fallback text, which is then shown and
// reported as a warning (an error under --strict). Every bad figure is
// reported in one run, each at its place; a figure computed from a bad one
// adds no error of its own. SQL errors name the figure and point into its
// sql string.
package figure

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/order"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// File is where figures are declared.
const File = "figures.toml"

// Spec is one declared figure.
type Spec struct {
	SQL      string `toml:"sql"`
	Expr     string `toml:"expr"`
	Format   string `toml:"format"`   // how to show it; default from its type
	Type     string `toml:"type"`     // column type of an expr figure, e.g. money (default number)
	Fallback string `toml:"fallback"` // shown, with a warning, when the value is missing
	Note     string `toml:"note"`     // free text, e.g. where the number comes from
}

// Figure is a computed value.
type Figure struct {
	Name     string
	Value    expr.Value
	Kind     table.Kind
	Format   string // format spec to use by default
	Missing  bool   // no value: show Fallback
	Fallback string
	Note     string
	Pos      diag.Pos
	SQL      string // the query it came from, or ""
	Expr     string // the expression it came from, or ""
}

// Set holds computed figures by name.
type Set struct {
	byName   map[string]*Figure
	Warnings []*diag.Error
}

// Get returns the named figure.
func (s *Set) Get(name string) (*Figure, bool) {
	if s == nil {
		return nil, false
	}
	f, ok := s.byName[name]
	return f, ok
}

// Names lists the figures in name order.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Env resolves figure names for expressions evaluated elsewhere (such as
// conditional text).
func (s *Set) Env() expr.Env {
	return func(name string) (expr.Value, bool, error) {
		f, ok := s.Get(name)
		if !ok {
			return expr.Value{}, false, nil
		}
		if f.Missing {
			return expr.Value{}, true, fmt.Errorf("figure %q has no value", name)
		}
		return f.Value, true, nil
	}
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Load reads figures.toml (a site without one has no figures) and computes
// every figure.
func Load(fsys fs.FS, db *query.DB, formatOK func(spec string, k table.Kind) error) (*Set, error) {
	src, err := fs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{byName: map[string]*Figure{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var specs map[string]*Spec
	if _, err := tomlpos.Decode(diag.Figure, File, src, &specs); err != nil {
		return nil, err
	}
	c := &computer{specs: specs, src: src, ix: tomlpos.New(File, src), db: db, set: &Set{byName: map[string]*Figure{}}, formatOK: formatOK, failed: map[string]bool{}}
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	slices.Sort(names)
	names, errs := c.order(names)
	for _, n := range names {
		if _, err := c.compute(n); err != nil && !errors.Is(err, errDependency) {
			if !diag.IsSource(err) {
				return nil, err // an internal failure: nothing more to learn
			}
			errs = append(errs, err)
		}
	}
	if err := diag.Join(errs...); err != nil {
		return nil, err
	}
	return c.set, nil
}

// order sorts names so that each figure comes after the figures it is
// computed from. Every cycle is an error; the figures in one are left out,
// so that the others are still computed and their errors reported too.
func (c *computer) order(names []string) ([]string, []error) {
	var errs []error
	for {
		sorted, cycle := order.Sort(names, c.dependencies)
		if cycle == nil {
			return sorted, errs
		}
		errs = append(errs, diag.Figure.Errorf(c.ix.Key(cycle[0]), "figure %q depends on itself: %s", cycle[0], order.Path(cycle)))
		for _, n := range cycle {
			c.failed[n] = true
		}
		names = slices.DeleteFunc(names, func(n string) bool { return c.failed[n] })
	}
}

// errDependency is the failure of a figure computed from one that failed:
// the first failure is reported, not this one.
var errDependency = errors.New("computed from a figure that failed")

// dependencies lists the figures an expr figure names. A figure whose
// expression does not parse has none here; compute reports it.
func (c *computer) dependencies(name string) []string {
	if c.specs[name].Expr == "" {
		return nil
	}
	n, err := expr.Parse(c.specs[name].Expr)
	if err != nil {
		return nil
	}
	names, _ := expr.Names(n)
	return names
}

type computer struct {
	specs    map[string]*Spec
	src      []byte // figures.toml
	ix       *tomlpos.Index
	db       *query.DB
	set      *Set
	formatOK func(string, table.Kind) error
	failed   map[string]bool // figures that could not be computed
}

// compute computes a figure once. Load calls it in dependency order, so
// the figures an expression names are already computed.
func (c *computer) compute(name string) (*Figure, error) {
	if f, ok := c.set.byName[name]; ok {
		return f, nil
	}
	if c.failed[name] {
		return nil, errDependency
	}
	f, err := c.computeOnce(name)
	if err != nil {
		c.failed[name] = true
		return nil, err
	}
	c.set.byName[name] = f
	return f, nil
}

func (c *computer) computeOnce(name string) (*Figure, error) {
	s := c.specs[name]
	at := c.ix.Key(name)
	if !validName.MatchString(name) {
		return nil, diag.Figure.Errorf(at, "figure name %q: use lower-case letters, digits and _", name)
	}
	if (s.SQL == "") == (s.Expr == "") {
		return nil, diag.Figure.Errorf(at, "figure %q: give exactly one of sql or expr", name)
	}
	if err := tomlpos.NoReference(diag.Figure, s.Fallback, c.ix.TextStart(name, "fallback"), fmt.Sprintf("figure %q: the fallback", name)); err != nil {
		return nil, err
	}
	f := &Figure{Name: name, Fallback: s.Fallback, Note: s.Note, Pos: at, SQL: s.SQL, Expr: s.Expr}
	var err error
	if s.SQL != "" {
		err = c.fromSQL(f, s)
	} else {
		err = c.fromExpr(f, s)
	}
	if err != nil {
		return nil, err
	}
	f.Format = s.Format
	if f.Format == "" {
		f.Format = format.ForKind(f.Kind)
	}
	if c.formatOK != nil && !f.Missing {
		if err := c.formatOK(f.Format, f.Kind); err != nil {
			return nil, diag.Figure.Errorf(c.ix.Value(name, "format"), "figure %q: %v", name, err)
		}
	}
	return f, nil
}

// missing records a figure without a value: an error, or a warning when
// the figure has a fallback.
func (c *computer) missing(f *Figure, pos diag.Pos, why string) error {
	if f.Fallback == "" {
		return diag.Figure.Errorf(pos, "figure %q: %s (set fallback = \"n/a\" to show a placeholder instead)", f.Name, why)
	}
	f.Missing = true
	c.set.Warnings = append(c.set.Warnings, diag.Figure.Errorf(pos, "figure %q: %s; showing %q", f.Name, why, f.Fallback))
	return nil
}

func (c *computer) fromSQL(f *Figure, s *Spec) error {
	pos := c.ix.Value(f.Name, "sql")
	start := c.ix.TextStart(f.Name, "sql")
	t, err := c.db.Run(query.Source{Name: f.Name, What: "figure", File: File, Line: start.Line, Col: start.Col, SQL: s.SQL})
	if err != nil {
		return err
	}
	var declared table.Kind // the type the figure says it has, even when it has no value
	if s.Type != "" {
		if declared, err = table.ParseKind(s.Type); err != nil {
			return diag.Figure.Errorf(c.ix.Value(f.Name, "type"), "figure %q: %v", f.Name, err)
		}
		f.Kind = declared
	}
	switch {
	case len(t.Columns) != 1:
		return diag.Figure.Errorf(pos, "figure %q: the query returns %d columns; a figure is one value", f.Name, len(t.Columns))
	case len(t.Rows) == 0:
		return c.missing(f, pos, "the query returned no rows")
	case len(t.Rows) > 1:
		return diag.Figure.Errorf(pos, "figure %q: the query returns %d rows; a figure is one value (add WHERE or LIMIT 1)", f.Name, len(t.Rows))
	}
	v, k := t.Rows[0][0], t.Columns[0].Kind
	if s.Type != "" {
		kk := declared
		if kk != k && !v.Null {
			// Read the value again as the named type: text '2022-03'
			// becomes a month, a number becomes text.
			if v, err = table.ParseText(kk, table.Format(k, v), t.Columns[0].Name); err != nil {
				return diag.Figure.Errorf(c.ix.Value(f.Name, "type"), "figure %q: %v", f.Name, err)
			}
		}
		k = kk
	}
	f.Kind = k
	if v.Null {
		return c.missing(f, pos, "the query returned NULL (no matching rows, or a division by zero)")
	}
	if k == table.Text {
		f.Value = expr.Text(v.S)
	} else {
		f.Value = expr.Num(v.F)
	}
	return nil
}

func (c *computer) fromExpr(f *Figure, s *Spec) error {
	pos := c.ix.Value(f.Name, "expr")
	start := c.ix.TextStart(f.Name, "expr")
	at := func(off int) diag.Pos { return tomlpos.Within(start, s.Expr, off) }
	n, err := expr.Parse(s.Expr)
	if err != nil {
		return exprError(f.Name, pos, at, err)
	}
	f.Kind = table.Number
	if s.Type != "" {
		if f.Kind, err = table.ParseKind(s.Type); err != nil {
			return diag.Figure.Errorf(c.ix.Value(f.Name, "type"), "figure %q: %v", f.Name, err)
		}
	}
	names, offs := expr.Names(n)
	for i, dep := range names {
		if _, ok := c.specs[dep]; !ok {
			return diag.Figure.Errorf(at(offs[i]), "figure %q: unknown figure %q", f.Name, dep)
		}
		d, err := c.compute(dep)
		if err != nil {
			return err
		}
		if d.Missing {
			return c.missing(f, at(offs[i]), fmt.Sprintf("figure %q has no value", dep))
		}
		if s.Type == "" && i == 0 && len(names) == 1 {
			f.Kind = d.Kind // a plain alias or a scaled copy keeps the type
		}
	}
	v, err := expr.Eval(n, c.set.Env())
	if err != nil {
		return exprError(f.Name, pos, at, err)
	}
	if v.IsText {
		f.Kind = table.Text
	}
	f.Value = v
	return nil
}

// exprError places an error of the expr language at the offset it names
// (at turns an offset into a position), and any other error at pos, the
// expression's value.
func exprError(name string, pos diag.Pos, at func(off int) diag.Pos, err error) error {
	var ee *expr.Error
	if errors.As(err, &ee) {
		return diag.Figure.Errorf(at(ee.Off), "figure %q: %s", name, ee.Msg)
	}
	return diag.Figure.Errorf(pos, "figure %q: %v", name, err)
}
