package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/sitefs"
	"github.com/briefing-dev/briefing/internal/table"
)

// describeCommand shows the data the build sees: every table, where it
// comes from, its columns as SQL names them, their kinds and where the
// kinds came from, and a few rows.
type describeCommand struct {
	problems
	site    string
	samples int
}

func (c *describeCommand) usage() string {
	return "briefing describe [--site SITE_DIR] [--rows N] [--format text|json] [TABLE ...]"
}

func (c *describeCommand) summary() string {
	return "show the tables the build sees, their columns and kinds"
}

func (c *describeCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.site, "site", ".", "the briefing's `SITE_DIR`")
	fs.IntVar(&c.samples, "rows", 3, "how many of each table's first rows to show (`N`)")
	fs.Var(&c.format, "format", "`text` (a table per table) or json (the same, as one JSON array; problems as JSON lines)")
}

func (c *describeCommand) run(e *env, args []string) error {
	if c.samples < 0 {
		return usagef("describe: --rows must be 0 or more")
	}
	abs, err := filepath.Abs(c.site)
	if err != nil {
		return err
	}
	e.site = abs
	root, err := os.OpenRoot(abs)
	if err != nil {
		return usagef("cannot open the site folder: %v", err)
	}
	defer root.Close()
	data, err := build.LoadData(sitefs.New(root), build.Options{})
	if err != nil {
		return err
	}
	list := table.SummarizeAll(data.Tables, data.Sources, c.samples)
	if list, err = pick(list, args); err != nil {
		return err
	}
	if e.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if err := e.warn(data.Warnings, false); err != nil {
		return err
	}
	for i, s := range list {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		writeSummary(e.stdout, s)
	}
	return nil
}

// pick keeps the tables named, in the order named; an unknown name is an
// error that lists the close matches and every table.
func pick(list []table.Summary, names []string) ([]table.Summary, error) {
	if len(names) == 0 {
		return list, nil
	}
	byName := map[string]table.Summary{}
	var all []string
	for _, s := range list {
		byName[s.Name] = s
		all = append(all, s.Name)
	}
	var out []table.Summary
	var errs []error
	for _, n := range names {
		s, ok := byName[n]
		if !ok {
			errs = append(errs, usagef("describe: unknown table %q%s", n, table.Suggest(n, all, "tables")))
			continue
		}
		out = append(out, s)
	}
	return out, diag.Join(errs...)
}

// writeSummary prints one table: a line on where it comes from, its
// columns, and its first rows.
func writeSummary(w io.Writer, s table.Summary) {
	rows := "rows"
	if s.Rows == 1 {
		rows = "row"
	}
	fmt.Fprintf(w, "%s: %s, %d %s\n", s.Name, origin(s.Origin), s.Rows, rows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  column\tkind\tfrom\tnulls\tmin\tmax")
	for _, c := range s.Columns {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\n", clean(c.Name), c.Kind, clean(c.From), c.Nulls, clean(c.Min), clean(c.Max))
	}
	tw.Flush()
	if len(s.Sample) == 0 {
		return
	}
	fmt.Fprintf(w, "  first rows:\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		head[i] = clean(c.Name)
	}
	fmt.Fprintln(tw, "    "+strings.Join(head, "\t"))
	for _, row := range s.Sample {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = "(null)"
			if v != nil {
				cells[i] = clean(*v)
			}
		}
		fmt.Fprintln(tw, "    "+strings.Join(cells, "\t"))
	}
	tw.Flush()
}

func origin(o table.Origin) string {
	if o.Source == "query" {
		return "query " + o.File
	}
	parts := []string{o.File}
	if o.Sheet != "" {
		parts = append(parts, "sheet "+clean(o.Sheet))
	}
	if o.Range != "" {
		parts = append(parts, o.Range)
	}
	return strings.Join(parts, ", ")
}

// maxCell is the most characters of a value shown in a terminal.
const maxCell = 24

// clean makes a value safe and short for a terminal: control characters
// (escape sequences, tabs, newlines) become spaces, and a long value is
// cut with an ellipsis.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxCell {
		s = string([]rune(s)[:maxCell-1]) + "…"
	}
	return s
}
