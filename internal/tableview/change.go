package tableview

import (
	"math"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// PreviousTable is the previous edition's version of a placed table, for
// its change columns (changes = [...] in the definition).
type PreviousTable struct {
	// Label names the previous edition ("Feb 2022"); "" in a first edition.
	Label string
	// Rows gives the previous edition's values by the text of the key
	// column (named key), then by column; nil when that edition did not
	// place the table on this page.
	Rows func(key string) map[string]map[string]table.Value
}

// Changes adds the table's change columns, each right after the column it
// follows, headed "Since LABEL": a percent's change in percentage points,
// money's relative change, a number's difference. A row the previous
// edition did not have shows "new"; a value missing in either shows "n/a".
// In a first edition, or when the previous edition did not place the
// table, there is nothing to compare: no change column is added and the
// table's note says why.
func Changes(v *View, s *Spec, fm *format.Formatter, prev *PreviousTable) error {
	if len(s.Changes) == 0 {
		return nil
	}
	if prev == nil {
		return diag.Table.Errorf(s.ix.Key("changes"), "table %q: changes compare with the previous edition; make the briefing a series with [editions] in site.toml", s.name)
	}
	key, cols, err := s.changeColumns(v)
	if err != nil {
		return err
	}
	switch {
	case prev.Label == "":
		addNote(v, "This is the first edition: changes are shown from the next one.")
		return nil
	case prev.Rows == nil:
		addNote(v, "The "+prev.Label+" edition did not have this table: changes are shown from the next edition.")
		return nil
	}
	rows := prev.Rows(v.Columns[key])
	for i := len(cols) - 1; i >= 0; i-- { // from the right, so indexes hold
		if err := insertChange(v, cols[i], key, s.Formats[v.Columns[cols[i]]], fm, prev.Label, rows); err != nil {
			return diag.Table.Errorf(s.ix.Value("changes"), "table %q: %v", s.name, err)
		}
	}
	return nil
}

// changeColumns finds the key column and the columns to compare in v.
func (s *Spec) changeColumns(v *View) (key int, cols []int, err error) {
	names := v.Columns
	keyName := s.ChangeKey
	if keyName == "" {
		keyName = names[0]
	}
	if key = slices.Index(names, keyName); key < 0 {
		return 0, nil, diag.Table.Errorf(s.ix.Value("change_key"), "table %q: change_key %q is not among the table's columns (%s)", s.name, keyName, strings.Join(names, ", "))
	}
	for _, name := range s.Changes {
		c := slices.Index(names, name)
		if c < 0 {
			return 0, nil, diag.Table.Errorf(s.ix.Value("changes"), "table %q: changes names %q, which is not among the table's columns (%s)", s.name, name, strings.Join(names, ", "))
		}
		if !v.Kinds[c].IsNumeric() {
			return 0, nil, diag.Table.Errorf(s.ix.Value("changes"), "table %q: column %q is %s; only numbers, money and percents have a change", s.name, name, v.Kinds[c])
		}
		cols = append(cols, c)
	}
	return key, cols, nil
}

func addNote(v *View, text string) {
	if v.Note != "" {
		v.Note += " "
	}
	v.Note += text
}

// insertChange adds the change column of column c, shown in format own
// (or its kind's), after it.
func insertChange(v *View, c, key int, own string, fm *format.Formatter, label string, prev map[string]map[string]table.Value) error {
	name, k := v.Columns[c], v.Kinds[c]
	share := k == table.Percent || strings.HasPrefix(own, "percent") || strings.HasPrefix(own, "change") || strings.HasPrefix(own, "pp")
	relative := k == table.Money && !share
	sp := format.Spec{Name: "pp", Decimals: 1}
	kind := table.Percent
	switch {
	case share:
	case relative:
		sp = format.Spec{Name: "change", Decimals: 1}
	default:
		sp, kind = format.Spec{Name: "number", Decimals: -1}, table.Number
	}
	v.Header = slices.Insert(v.Header, c+1, Cell{Text: "Since " + label, Numeric: true})
	v.Columns = slices.Insert(v.Columns, c+1, name+".change")
	v.Kinds = slices.Insert(v.Kinds, c+1, kind)
	for i := range v.Rows {
		r := &v.Rows[i]
		cell, val, err := changeCell(r, c, key, v.Kinds[key], name, relative, sp, fm, prev)
		if err != nil {
			return err
		}
		r.Cells = slices.Insert(r.Cells, c+1, cell)
		r.Values = slices.Insert(r.Values, c+1, val)
	}
	if v.Totals != nil {
		v.Totals = slices.Insert(v.Totals, c+1, Cell{Numeric: true})
	}
	return nil
}

// changeCell is one row's change of column c.
func changeCell(r *Row, c, key int, keyKind table.Kind, name string, relative bool, sp format.Spec, fm *format.Formatter, prev map[string]map[string]table.Value) (Cell, table.Value, error) {
	none := table.Value{Null: true}
	old, ok := prev[table.Format(keyKind, r.Values[key])]
	if !ok {
		return Cell{Text: "new", Numeric: true}, none, nil
	}
	was, cur := old[name], r.Values[c]
	if was.Null || cur.Null || relative && was.F == 0 {
		return Cell{Text: "n/a", Numeric: true}, none, nil
	}
	d := cur.F - was.F
	if relative {
		d /= math.Abs(was.F)
	}
	text, err := fm.Number(sp, d)
	if err != nil {
		return Cell{}, none, err
	}
	if sp.Name == "number" && d > 0 && strings.ContainsAny(text, "123456789") {
		text = "+" + text // a difference is signed, as pp and change are
	}
	return Cell{Text: text, Numeric: true}, table.Value{F: d}, nil
}
