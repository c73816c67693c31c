package email

import (
	"fmt"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/table"
)

// condition is [email] send_if: an expression (package expr) over the
// figures, and with each over row.COLUMN, as {{if}} reads them.
type condition struct {
	src   string
	node  expr.Node
	at    diag.Pos // the start of the expression in site.toml
	names []string // the names it reads, once each, in order
}

// parseCondition reads send_if, if set, and checks every name it reads:
// a figure the briefing has, or a column of the table of each.
func parseCondition(cfg *config.Site, figs Figures, t *table.Table) (*condition, error) {
	src := cfg.Email.SendIf
	if src == "" {
		return nil, nil
	}
	at := cfg.Pos("email", "send_if")
	if at.Col > 0 {
		at.Col++ // past the opening quote
	}
	n, err := expr.Parse(src)
	if err != nil {
		return nil, diag.Config.Errorf(at, "send_if: %v", err) // config.Validate parsed it already
	}
	c := &condition{src: src, node: n, at: at}
	var errs []error
	for _, ref := range expr.EditionRefs(n) {
		pos := at
		pos.Col += ref.Off
		if figs.Editions() == nil {
			errs = append(errs, diag.Config.Errorf(pos, "send_if: %s() compares with the previous edition; make the briefing a series with [editions] in site.toml", ref.Func))
		} else if err := figs.Editions().Check(ref); err != nil {
			errs = append(errs, diag.Config.Errorf(pos, "send_if: %v", err))
		}
		if name := expr.EditionName(ref.Func, ref.Figure); !slices.Contains(c.names, name) {
			c.names = append(c.names, name)
		}
	}
	names, offs := expr.Names(n)
	for i, name := range names {
		if err := checkName(figs, t, name); err != nil {
			pos := at
			pos.Col += offs[i]
			errs = append(errs, diag.Config.Errorf(pos, "send_if: %v", err))
		}
		if !slices.Contains(c.names, name) {
			c.names = append(c.names, name)
		}
	}
	return c, diag.Join(errs...)
}

func checkName(figs Figures, t *table.Table, name string) error {
	col, isRow := strings.CutPrefix(name, "row.")
	switch {
	case isRow && t == nil:
		return fmt.Errorf("%s: row.COLUMN needs each = TABLE in [email] (one message per row)", name)
	case isRow && t.Col(col) < 0:
		return fmt.Errorf("unknown column %q in %q (columns: %s)", col, t.Name, strings.Join(t.ColumnNames(), ", "))
	case isRow:
		return nil
	}
	if _, err := figs.Show(name); err != nil {
		return err
	}
	return nil
}

// hold evaluates the condition for row r of t (t nil: the one message),
// and says why it holds the message back, or "" to send it. A nil
// condition sends everything.
func (c *condition) hold(figs Figures, t *table.Table, r int) (string, error) {
	if c == nil {
		return "", nil
	}
	env := figs.Env(t, r)
	v, err := expr.Eval(c.node, env)
	if err != nil {
		if diag.IsSource(err) {
			return "", err
		}
		return "", diag.Config.Errorf(c.at, "send_if: %v", err)
	}
	if v.Truthy() {
		return "", nil
	}
	return fmt.Sprintf("send_if %q is false (%s)", c.src, c.values(figs, env)), nil
}

// values shows what the condition read: "top_share = 18.2%, row.spend = 12".
func (c *condition) values(figs Figures, env expr.Env) string {
	parts := make([]string, len(c.names))
	for i, name := range c.names {
		text := "?"
		if fn, fig, ok := expr.SplitEditionName(name); ok && figs.Editions() != nil {
			text = editionText(figs.Editions(), fn, fig)
		} else if s, err := figs.Show(name); err == nil && !strings.HasPrefix(name, "row.") {
			text = s
		} else if v, ok, err := env(name); ok && err == nil {
			text = v.String()
		}
		parts[i] = name + " = " + text
	}
	return strings.Join(parts, ", ")
}

// editionText shows change(x) as the prose does ("+0.7 pp since Feb
// 2022"), prev(x) as the figure's earlier display text.
func editionText(c *edition.Comparison, fn, fig string) string {
	switch fn {
	case "change":
		if ch, err := c.Change(fig, ""); err == nil {
			return ch.Text
		}
	case "prev":
		if s, err := c.Prev(fig, ""); err == nil {
			return s
		}
	}
	return "?"
}
