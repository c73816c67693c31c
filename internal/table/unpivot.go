package table

import (
	"regexp"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Unpivot reads a wide grid, such as a column per month and a row per
// customer, as long rows: one row for every filled cell of the grid's
// columns, holding the row's other columns, the cell's header (column
// Name) and its value (column Value). Each value keeps its cell's
// position, so a bad one is reported at its cell (Grid!D7); each name
// sits at its header cell. Empty grid cells make no row; total rows and
// columns are left out with Spec.SkipRows and Spec.SkipColumns.
type Unpivot struct {
	// Columns are the grid's columns: a range of column letters, "B:S",
	// or "B:" for B to the last column (letters count a CSV's fields
	// too), or a pattern of column names, "20*".
	Columns string
	Name    string // the new column of headers, such as month
	Value   string // the new column of values, such as revenue
}

var letterRange = regexp.MustCompile(`^([A-Za-z]{1,3}):([A-Za-z]{0,3})$`)

// gridFields resolves Unpivot.Columns to the header's fields, leaving out
// skipped columns and columns with no header.
func (b *builder) gridFields() ([]int, error) {
	u := b.spec.Unpivot
	at := b.spec.keyPos("unpivot", "columns")
	var grid []int
	if m := letterRange.FindStringSubmatch(u.Columns); m != nil {
		first, last := columnNumber(m[1]), len(b.header)
		if m[2] != "" {
			last = columnNumber(m[2])
		}
		if last < first {
			return nil, diag.Data.Errorf(at, "table %q: unpivot columns %q: the range runs backwards", b.spec.Name, u.Columns)
		}
		for i := first - 1; i < min(last, len(b.header)); i++ {
			if b.keep[i] {
				grid = append(grid, i)
			}
		}
	} else {
		for i, h := range b.header {
			if b.keep[i] && (matchAny([]string{u.Columns}, h) || matchAny([]string{u.Columns}, NormalizeName(h))) {
				grid = append(grid, i)
			}
		}
	}
	if len(grid) == 0 {
		return nil, diag.Data.Errorf(at, "table %q: unpivot columns %q select no column of %s (header: %s)",
			b.spec.Name, u.Columns, b.spec.File, strings.Join(b.headerList(), ", "))
	}
	return grid, nil
}

// headerList names the header's fields as letter=name, for errors.
func (b *builder) headerList() []string {
	var out []string
	for i, h := range b.header {
		if strings.TrimSpace(h) != "" {
			out = append(out, diag.ColumnName(i+1)+"="+strings.TrimSpace(h))
		}
	}
	return out
}

// columnNumber turns letters (A, S, AB) into a 1-based column number.
func columnNumber(letters string) int {
	n := 0
	for _, r := range strings.ToUpper(letters) {
		n = n*26 + int(r-'A'+1)
	}
	return n
}

// addUnpivotColumns adds the name and value columns after the kept ones.
func (b *builder) addUnpivotColumns(seen map[string]bool) error {
	u := b.spec.Unpivot
	for _, c := range []struct {
		key, name string
		role      byte
	}{{"name", u.Name, 'n'}, {"value", u.Value, 'v'}} {
		name := NormalizeName(c.name)
		at := b.spec.keyPos("unpivot", c.key)
		if name == "" || name != c.name {
			return diag.Data.Errorf(at, "table %q: unpivot %s %q: use lower-case letters, digits and _ (a column name)", b.spec.Name, c.key, c.name)
		}
		if seen[name] {
			return diag.Data.Errorf(at, "table %q: unpivot %s %q is already a column of %s; choose another name", b.spec.Name, c.key, name, b.spec.File)
		}
		seen[name] = true
		b.t.Columns = append(b.t.Columns, Column{Name: name})
		b.cols = append(b.cols, colSource{field: -1, role: c.role})
	}
	for _, g := range b.grid {
		b.span(g)
	}
	slices.Sort(b.grid)
	return nil
}
