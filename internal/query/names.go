package query

import (
	"regexp"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// unknownNameRE matches SQLite's errors for a name it does not know.
var unknownNameRE = regexp.MustCompile(`^no such (column|table): (\S+)$`)

// unknownName reads SQLite's "no such column: x" or "no such table: x".
// A qualified column (t.revnue) is the part after the last dot.
func (d *DB) unknownName(msg string) (name, what string, ok bool) {
	m := unknownNameRE.FindStringSubmatch(msg)
	if m == nil {
		return "", "", false
	}
	name = m[2]
	if m[1] == "column" {
		name = name[strings.LastIndexByte(name, '.')+1:]
	}
	return name, m[1], true
}

// suggest lists the close matches and the names a query could have
// meant: the columns of the tables it reads, or every table.
func (d *DB) suggest(src Source, name, what string) string {
	if what == "table" {
		return table.Suggest(name, d.names, "tables")
	}
	var read []string
	var cols []string
	for _, ref := range tableRefs(src.SQL) {
		have, ok := d.cols[ref]
		if !ok || slices.Contains(read, ref) {
			continue
		}
		read = append(read, ref)
		for _, c := range have {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	if len(read) == 0 {
		return ""
	}
	return table.Suggest(name, cols, "columns of "+strings.Join(read, ", "))
}

// identOffset finds where sqlText names name as an identifier, bare or
// quoted, outside comments and string literals: the byte offset, or -1.
func identOffset(sqlText, name string) int {
	for _, t := range sqlTokenSpans(sqlText) {
		tok := strings.Trim(t.text, "\"`[]")
		if strings.EqualFold(tok, name) {
			if t.text[0] == '"' || t.text[0] == '`' || t.text[0] == '[' {
				return t.off + 1
			}
			return t.off
		}
	}
	return -1
}

// offsetPos is the position of byte off of the query's SQL.
func (s Source) offsetPos(off int) diag.Pos {
	line, col := diag.LineCol([]byte(s.SQL), off)
	if line == 1 && s.Col > 1 {
		col += s.Col - 1 // SQL that starts inside a line, as in a TOML string
	}
	return diag.Pos{File: s.File, Line: s.Line + line - 1, Col: col}
}
