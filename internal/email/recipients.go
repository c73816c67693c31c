package email

import (
	"maps"
	"net/mail"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// recipient is the addressee of one row's message.
type recipient struct {
	row      int
	at       diag.Pos // the address cell
	addr     string   // "Name <address>", ready for To
	greeting string   // the row's greeting, or ""
}

// eachTable is the table of [email] each.
func eachTable(cfg *config.Site, tables map[string]*table.Table) (*table.Table, error) {
	t, ok := tables[cfg.Email.Each]
	if !ok {
		return nil, diag.Config.Errorf(cfg.Pos("email", "each"), "each = %q: no such table or query (tables and queries: %s)",
			cfg.Email.Each, strings.Join(slices.Sorted(maps.Keys(tables)), ", "))
	}
	if len(t.Rows) == 0 {
		return nil, diag.Data.Errorf(diag.Pos{File: t.File, Sheet: t.Sheet}, "each = %q in [email]: the table has no rows, so there is no one to send to", t.Name)
	}
	return t, nil
}

// recipients reads the address, name and greeting of every row of t. A
// row without a valid address is an error at its cell; every bad row is
// reported.
func recipients(cfg *config.Site, t *table.Table) ([]recipient, error) {
	e := cfg.Email
	to, err := column(cfg, t, "to_column", e.ToColumn)
	if err != nil {
		return nil, err
	}
	name, err := column(cfg, t, "name_column", e.NameColumn)
	if err != nil {
		return nil, err
	}
	greet, err := column(cfg, t, "greeting_column", e.GreetingColumn)
	if err != nil {
		return nil, err
	}
	out := make([]recipient, len(t.Rows))
	var errs []error
	for r := range t.Rows {
		rc := recipient{row: r, at: t.Pos(r, to)}
		addr, err := mail.ParseAddress(cell(t, r, to))
		if err != nil {
			errs = append(errs, diag.Data.Errorf(rc.at, "column %q (to_column in [email]): address %q: %v", t.Columns[to].Name, cell(t, r, to), err))
			continue
		}
		if name >= 0 {
			addr.Name = cell(t, r, name)
		}
		rc.addr = addr.String()
		if greet >= 0 {
			rc.greeting = cell(t, r, greet)
		}
		out[r] = rc
	}
	return out, diag.Join(errs...)
}

// column finds the column a key of [email] names: -1 when the key is not
// set, an error at the key when t has no such column.
func column(cfg *config.Site, t *table.Table, key, col string) (int, error) {
	if col == "" {
		return -1, nil
	}
	c := t.Col(col)
	if c < 0 {
		return -1, diag.Config.Errorf(cfg.Pos("email", key), "%s = %q: no such column in %q (columns: %s)", key, col, t.Name, strings.Join(t.ColumnNames(), ", "))
	}
	return c, nil
}

// cell is the text of a cell, "" when empty.
func cell(t *table.Table, r, c int) string {
	v := t.Rows[r][c]
	if v.Null {
		return ""
	}
	return strings.TrimSpace(table.Format(t.Columns[c].Kind, v))
}
