// Package query makes every loaded table queryable with SQL at build time.
//
// Tables are copied into an in-memory SQLite database (modernc.org/sqlite:
// pure Go, no server, no cgo) when a query or figure first reads them, so
// tables that only charts and pages use cost nothing here. Numbers, money and percentages are stored as
// REAL; dates, months and quarters as sortable text (2022-03-31, 2022-03,
// 2024-Q2), so `WHERE month = '2022-03'` and `MAX(month)` read naturally.
//
// Derived tables are the files queries/NAME.sql: one SELECT each, named by
// the file. A query may use any loaded table and any other query; they run
// in dependency order, and a cycle is an error. Result columns get their
// types back: from a `-- NAME: TYPE` comment at the top of the file, else
// from a loaded column of the same name, else number when every value is
// numeric and text otherwise. So money stays money and months stay months.
//
// Besides SQLite's own functions (window functions such as LAG and RANK
// included), quarter_of(month or date) gives the calendar quarter as
// '2022-Q1', for rolling months up into quarters.
package query

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite" // also registers the "sqlite" driver

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/order"
	"github.com/briefing-dev/briefing/internal/table"
)

// Dir is the folder of derived-table queries.
const Dir = "queries"

// DB is an in-memory database holding the loaded tables.
//
// A table is copied into SQLite only when a query first reads it (a name
// after FROM or JOIN, or one SQLite reports missing): a briefing whose
// SQL reads two of its twenty tables copies two.
type DB struct {
	db     *sql.DB
	kinds  map[string]table.Kind // column name → kind, from every table given
	cols   map[string][]string   // lower-case table name → its columns, for errors
	names  []string              // the tables, in the order they were added
	lim    Limits
	rows   int                     // rows in the tables added, for the default timeout
	tables map[string]*table.Table // by lower-case name: given, not yet copied
	given  map[string]bool         // lower-case names of every table given
	copied int                     // tables copied into SQLite, for tests
}

// Open makes a fresh in-memory database for tables; each is copied in
// when a query first reads it.
func Open(tables map[string]*table.Table) (*DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	d := &DB{db: db, kinds: map[string]table.Kind{}, cols: map[string][]string{}, tables: map[string]*table.Table{}, given: map[string]bool{}}
	if err := d.SetLimits(DefaultLimits); err != nil {
		db.Close()
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		if err := d.Add(tables[name]); err != nil {
			db.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close releases the database.
func (d *DB) Close() error { return d.db.Close() }

// Add makes one more table available to queries. SQL does not tell
// names apart by case: a second table called like the first, in any case,
// is an error.
func (d *DB) Add(t *table.Table) error {
	key := strings.ToLower(t.Name)
	if d.given[key] {
		return fmt.Errorf("table %q: a table of that name (SQL ignores case) is already there", t.Name)
	}
	d.given[key] = true
	for _, c := range t.Columns {
		if _, seen := d.kinds[c.Name]; !seen {
			d.kinds[c.Name] = c.Kind
		}
	}
	d.tables[key] = t
	d.cols[key] = t.ColumnNames()
	d.names = append(d.names, t.Name)
	d.rows += len(t.Rows)
	return nil
}

// need copies into SQLite the given tables that sqlText reads.
func (d *DB) need(sqlText string) error {
	for _, name := range tableRefs(sqlText) {
		if err := d.copyIn(name); err != nil {
			return err
		}
	}
	return nil
}

// copyIn copies the table called name (any case), once; a name that is
// no given table (an alias, a CTE, a table already copied) is left alone.
func (d *DB) copyIn(name string) error {
	t, ok := d.tables[strings.ToLower(name)]
	if !ok {
		return nil
	}
	delete(d.tables, strings.ToLower(name))
	d.copied++
	return d.copyTable(t)
}

// missingTable is how SQLite names a table it does not have.
var missingTable = regexp.MustCompile(`no such table: (?:main\.)?"?([^"\s]+)"?`)

// copyMissing copies in the table err says is missing, and reports
// whether it did: the query can then be run again.
func (d *DB) copyMissing(err error) (bool, error) {
	m := missingTable.FindStringSubmatch(err.Error())
	if m == nil {
		return false, nil
	}
	if _, ok := d.tables[strings.ToLower(m[1])]; !ok {
		return false, nil
	}
	return true, d.copyIn(m[1])
}

// copyTable creates t in SQLite and inserts its rows.
func (d *DB) copyTable(t *table.Table) error {
	cols := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		typ := "TEXT"
		if c.Kind.IsNumeric() {
			typ = "REAL"
		}
		cols[i] = quoteIdent(c.Name) + " " + typ
		marks[i] = "?"
	}
	tx, err := d.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("CREATE TABLE " + quoteIdent(t.Name) + " (" + strings.Join(cols, ", ") + ")"); err != nil {
		return fmt.Errorf("table %q: %w", t.Name, err)
	}
	stmt, err := tx.Prepare("INSERT INTO " + quoteIdent(t.Name) + " VALUES (" + strings.Join(marks, ", ") + ")")
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			args[i] = sqlValue(c.Kind, row[i])
		}
		if _, err := stmt.Exec(args...); err != nil {
			return fmt.Errorf("table %q: %w", t.Name, err)
		}
	}
	return tx.Commit()
}

func sqlValue(k table.Kind, v table.Value) any {
	switch {
	case v.Null:
		return nil
	case k.IsNumeric():
		return v.F
	}
	return table.Format(k, v)
}

// Source is one query to run: SQL text with the position it came from.
type Source struct {
	Name string
	File string
	Line int // line of the SQL's first line within File
	Col  int // column of the SQL's first byte on Line (0 or 1: the line's start)
	SQL  string
	// What names the source in messages: "query" (the default) or
	// "figure" for a figure's sql.
	What string
	// Types overrides result column types (column → kind).
	Types map[string]table.Kind
	// Source, from a leading `-- source: NAME` comment, names the database
	// the query runs on (package source); "" is the loaded tables.
	Source string
}

// Run executes src and returns its result as a table.
func (d *DB) Run(src Source) (*table.Table, error) {
	// A query reads: with query_only, a DELETE or CREATE in a query file
	// (or a second statement after the SELECT) fails instead of changing
	// what later queries and figures see.
	if err := d.need(src.SQL); err != nil {
		return nil, err
	}
	names, raw, err := d.readOnly(src)
	if err != nil {
		return nil, err
	}
	cols := make([]table.Column, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		if seen[n] {
			return nil, diag.Query.Errorf(src.pos(), "%s: two result columns are called %q; name them apart with AS", src.label(), n)
		}
		seen[n] = true
		k, from := d.kindOf(src, n, raw, i)
		cols[i] = table.Column{Name: n, Kind: k, From: from}
	}
	t := table.New(src.Name, src.File, src.Line, cols)
	for _, r := range raw {
		vals := make([]table.Value, len(cols))
		for i, c := range cols {
			v, err := fromSQL(c, r[i])
			if err != nil {
				return nil, diag.Query.Errorf(src.pos(), "%s: %v", src.label(), err)
			}
			vals[i] = v
		}
		t.Append(vals)
	}
	return t, nil
}

// readOnly fetches src with query_only set; when SQLite names a given
// table the references missed (in a form tableRefs does not read), it is
// copied in and the query run again.
func (d *DB) readOnly(src Source) ([]string, [][]any, error) {
	for {
		if _, err := d.db.Exec("PRAGMA query_only = 1"); err != nil {
			return nil, nil, err
		}
		names, raw, err := d.fetch(src)
		if _, err := d.db.Exec("PRAGMA query_only = 0"); err != nil {
			return nil, nil, err
		}
		if err == nil {
			return names, raw, nil
		}
		again, cerr := d.copyMissing(err)
		if cerr != nil {
			return nil, nil, cerr
		}
		if !again {
			return nil, nil, err
		}
	}
}

// fetch runs src within the limits and returns its column names and rows.
func (d *DB) fetch(src Source) ([]string, [][]any, error) {
	ctx, cancel := d.context()
	defer cancel()
	rows, err := d.db.QueryContext(ctx, src.SQL)
	if err != nil {
		return nil, nil, d.failure(ctx, src, err)
	}
	defer rows.Close()
	// fail closes rows first: the one connection must be free for
	// sqlError to prepare with.
	fail := func(err error) ([]string, [][]any, error) {
		rows.Close()
		return nil, nil, d.failure(ctx, src, err)
	}
	names, err := rows.Columns()
	if err != nil {
		return fail(err)
	}
	var raw [][]any
	var size int64
	for rows.Next() {
		if len(raw) >= d.lim.MaxRows {
			return nil, nil, d.tooManyRows(src)
		}
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fail(err)
		}
		if size += rowBytes(vals); size > d.lim.MaxBytes {
			return nil, nil, d.tooMuchMemory(src)
		}
		raw = append(raw, vals)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	return names, raw, nil
}

// failure reports a query that failed: at the limit it hit, or at the
// SQL error's place.
func (d *DB) failure(ctx context.Context, src Source, err error) error {
	if lerr := d.limitError(ctx, src, err); lerr != nil {
		return lerr
	}
	return d.sqlError(src, err)
}

// kindOf decides a result column's type, and says from what (for
// `briefing describe`); see the package comment.
func (d *DB) kindOf(src Source, name string, raw [][]any, col int) (table.Kind, string) {
	if k, ok := src.Types[name]; ok {
		return k, "query comment"
	}
	if k, ok := d.kinds[name]; ok {
		return k, "column " + name
	}
	// MAX(month), SUM(monthly_spend_usd) … keep the column's type.
	if m := aggregateOf.FindStringSubmatch(name); m != nil {
		if k, ok := d.kinds[m[2]]; ok && (k.IsNumeric() || !strings.EqualFold(m[1], "sum") && !strings.EqualFold(m[1], "avg") && !strings.EqualFold(m[1], "total")) {
			return k, "column " + m[2]
		}
	}
	for _, r := range raw {
		switch r[col].(type) {
		case nil, int64, float64:
		default:
			return table.Text, table.FromValues
		}
	}
	return table.Number, table.FromValues
}

func fromSQL(c table.Column, v any) (table.Value, error) {
	var text string
	switch v := v.(type) {
	case nil:
		return table.Value{Null: true}, nil
	case int64:
		if c.Kind.IsNumeric() {
			return table.Value{F: float64(v)}, nil
		}
		text = strconv.FormatInt(v, 10)
	case float64:
		if c.Kind.IsNumeric() {
			return table.Value{F: v}, nil
		}
		text = strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		text = fmt.Sprint(v)
	}
	return table.ParseText(c.Kind, text, c.Name)
}

func (s Source) pos() diag.Pos { return diag.Pos{File: s.File, Line: s.Line} }

var aggregateOf = regexp.MustCompile(`(?i)^(max|min|sum|avg|total)\(\s*(?:distinct\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?\s*\)$`)

var (
	nearToken = regexp.MustCompile(`near "([^"]+)"`)
	// Other names SQLite cannot use: at the name.
	namedToken = regexp.MustCompile(`^(?:no such function|ambiguous column name): ([^ ]+)$`)
)

// sqlError positions a SQLite error: at the token it names when it names
// one (near "FORM", no such column: nope, with the names it could have
// meant), at the end of the text when the query stops short, else at the
// query's first line.
func (d *DB) sqlError(src Source, err error) error {
	msg := strings.TrimPrefix(err.Error(), "SQL logic error: ")
	if i := strings.LastIndex(msg, " (1)"); i > 0 && i == len(msg)-4 {
		msg = msg[:i]
	}
	off := -1
	switch name, what, ok := d.unknownName(msg); {
	case ok:
		off = identOffset(src.SQL, name)
		msg += d.suggest(src, name, what)
	case nearToken.MatchString(msg):
		off = d.nearOffset(src.SQL, nearToken.FindStringSubmatch(msg)[1], msg)
	case namedToken.MatchString(msg):
		off = identOffset(src.SQL, namedToken.FindStringSubmatch(msg)[1])
	case msg == "incomplete input":
		off = len(strings.TrimRight(src.SQL, " \t\r\n;"))
	}
	pos := src.pos()
	if off >= 0 {
		pos = src.offsetPos(off)
	}
	return diag.Query.Errorf(pos, "%s: %s", src.label(), msg)
}

// label names the source in messages: query "totals", figure "share".
func (s Source) label() string {
	return fmt.Sprintf("%s %q", cmp.Or(s.What, "query"), s.Name)
}

// nearOffset finds which occurrence of tok a syntax error is about. The
// same text may come earlier (a first comma, a word in a comment or a
// string), so each whole-token occurrence is tried in turn: the SQL up to
// and including it fails with the same message only at the offending one,
// since the parser stops at the first token it cannot take. It returns
// the first occurrence when none does, and -1 when tok is not found. At
// most maxNearTries occurrences are tried, so that a long query full of
// commas costs a bounded number of prepares.
func (d *DB) nearOffset(sqlText, tok, msg string) int {
	first := -1
	for from, tries := 0, 0; from < len(sqlText) && tries < maxNearTries; tries++ {
		i := strings.Index(sqlText[from:], tok)
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		end := i + len(tok)
		if isWordByte(tok[0]) && i > 0 && isWordByte(sqlText[i-1]) ||
			isWordByte(tok[len(tok)-1]) && end < len(sqlText) && isWordByte(sqlText[end]) {
			continue // part of a longer word: FROM in FROMAGE
		}
		if first < 0 {
			first = i
		}
		stmt, err := d.db.Prepare(sqlText[:end])
		if err == nil {
			stmt.Close()
			continue
		}
		if strings.Contains(err.Error(), msg) {
			return i
		}
	}
	return first
}

const maxNearTries = 200

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// LoadSources reads queries/*.sql. A file's leading comment lines of the
// form `-- column: type` set result column types.
func LoadSources(fsys fs.FS) ([]Source, error) {
	entries, err := fs.ReadDir(fsys, Dir)
	if err != nil {
		if isNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []Source
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		file := path.Join(Dir, e.Name())
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		src, err := parseSource(file, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

var (
	validName   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	sourceLine  = regexp.MustCompile(`^--\s*source\s*:\s*([A-Za-z0-9_]+)\s*$`)
	typeComment = regexp.MustCompile(`^--\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)\s*$`)
)

func parseSource(file, text string) (Source, error) {
	name := strings.TrimSuffix(path.Base(file), ".sql")
	if !validName.MatchString(name) {
		return Source{}, diag.Query.Errorf(diag.Pos{File: file}, "query file name %q: use lower-case letters, digits and _ (it becomes the table name)", name)
	}
	src := Source{Name: name, File: file, Line: 1, SQL: text, Types: map[string]table.Kind{}}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if !strings.HasPrefix(line, "--") {
			break
		}
		if m := sourceLine.FindStringSubmatch(line); m != nil {
			src.Source = m[1]
			continue
		}
		if m := typeComment.FindStringSubmatchIndex(line); m != nil {
			k, err := table.ParseKind(line[m[4]:m[5]])
			if err != nil {
				indent := strings.Index(raw, line) // the type's column in the file, not in the trimmed line
				return Source{}, diag.Query.Errorf(diag.Pos{File: file, Line: i + 1, Col: indent + m[4] + 1}, "%v", err)
			}
			src.Types[line[m[2]:m[3]]] = k
		}
	}
	if strings.TrimSpace(stripComments(text)) == "" {
		return Source{}, diag.Query.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "query %q is empty", name)
	}
	return src, nil
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// tableRefs lists, lower-cased, the names sqlText reads as tables: a name
// right after FROM or JOIN, or after a comma of a FROM list. Other names
// (columns, aliases) are not references, so a query may have a column
// called like itself or like another query.
func tableRefs(sqlText string) []string {
	inFrom := []bool{false} // per parenthesis depth: within a FROM clause
	expect := false         // the next name is a table
	var refs []string
	prev := ""
	for _, tok := range sqlTokens(sqlText) {
		top := len(inFrom) - 1
		up := strings.ToUpper(tok)
		switch {
		case up == "FROM" && prev == "DISTINCT": // a IS DISTINCT FROM b: a comparison
		case up == "(":
			inFrom = append(inFrom, false)
			expect = false
		case up == ")":
			if top > 0 {
				inFrom = inFrom[:top]
			}
			expect = false
		case up == "FROM" || up == "JOIN":
			inFrom[top], expect = true, true
		case up == ",":
			expect = inFrom[top]
		case fromEnds[up]:
			inFrom[top], expect = false, false
		case expect && (isWordByte(tok[0]) && (tok[0] < '0' || tok[0] > '9') || strings.ContainsRune("\"`[", rune(tok[0]))):
			refs = append(refs, strings.ToLower(strings.Trim(tok, "\"`[]")))
			expect = false
		default:
			expect = false
		}
		prev = up
	}
	return refs
}

var fromEnds = map[string]bool{
	"WHERE": true, "GROUP": true, "ORDER": true, "HAVING": true, "LIMIT": true, "WINDOW": true,
	"UNION": true, "EXCEPT": true, "INTERSECT": true, "SELECT": true, "VALUES": true, "RETURNING": true,
}

// sqlTokens splits SQL into words, quoted names and punctuation, leaving
// out comments and string literals (each literal becomes a "'").
func sqlTokens(s string) []string {
	spans := sqlTokenSpans(s)
	toks := make([]string, len(spans))
	for i, t := range spans {
		toks[i] = t.text
	}
	return toks
}

// tokSpan is a token and the offset of its first byte.
type tokSpan struct {
	text string
	off  int
}

// sqlTokenSpans is sqlTokens with each token's offset.
func sqlTokenSpans(s string) []tokSpan {
	var toks []tokSpan
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(s)
			}
		case strings.HasPrefix(s[i:], "/*"):
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(s)
			}
		case c == '\'' || c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := i + 1
			for j < len(s) && (s[j] != closer || j+1 < len(s) && s[j+1] == closer && closer != ']') {
				if s[j] == closer {
					j++ // a doubled quote
				}
				j++
			}
			if c == '\'' {
				toks = append(toks, tokSpan{"'", i})
			} else {
				toks = append(toks, tokSpan{s[i:min(j+1, len(s))], i})
			}
			i = j + 1
		case isWordByte(c):
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] == '$') {
				j++
			}
			toks = append(toks, tokSpan{s[i:j], i})
			i = j
		default:
			toks = append(toks, tokSpan{s[i : i+1], i})
			i++
		}
	}
	return toks
}

// CheckNames refuses every query named like a loaded table. SQLite does
// not tell names apart by case, so queries/sales.sql clashes with a table
// Sales as much as with a table sales.
func CheckNames(srcs []Source, tables map[string]*table.Table) error {
	byFold := make(map[string]*table.Table, len(tables))
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		byFold[strings.ToLower(name)] = tables[name]
	}
	var errs []error
	for _, s := range srcs {
		t, clash := byFold[strings.ToLower(s.Name)]
		if !clash {
			continue
		}
		at := diag.Pos{File: s.File, Line: 1, Col: 1}
		if t.Name == s.Name {
			errs = append(errs, diag.Query.Errorf(at, "query %q has the name of the table loaded from %s; rename the file", s.Name, t.File))
		} else {
			errs = append(errs, diag.Query.Errorf(at, "query %q has the name of the table %q loaded from %s (SQL does not tell names apart by case); rename the file", s.Name, t.Name, t.File))
		}
	}
	return diag.Join(errs...)
}

// Order sorts queries so that each runs after the queries it reads. A
// query that reads itself, directly or through others, is an error.
func Order(srcs []Source) ([]Source, error) {
	byName := make(map[string]Source, len(srcs))
	names := make([]string, len(srcs))
	for i, s := range srcs {
		byName[s.Name], names[i] = s, s.Name
	}
	reads := func(name string) []string { return tableRefs(byName[name].SQL) }
	sorted, cycle := order.Sort(names, reads)
	if cycle != nil {
		s := byName[cycle[0]]
		return nil, diag.Query.Errorf(s.pos(), "query %q depends on itself: %s", s.Name, order.Path(cycle))
	}
	out := make([]Source, len(sorted))
	for i, n := range sorted {
		out[i] = byName[n]
	}
	return out, nil
}

func init() {
	// quarter_of('2022-03') and quarter_of('2022-03-31') are '2022-Q1': the
	// calendar quarter of a month or date, for month-to-quarter rollups.
	sqlite.MustRegisterDeterministicScalarFunction("quarter_of", 1, func(ctx *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		if !ok || len(s) < 7 || s[4] != '-' {
			return nil, nil
		}
		y, err1 := strconv.Atoi(s[:4])
		m, err2 := strconv.Atoi(s[5:7])
		if err1 != nil || err2 != nil || m < 1 || m > 12 {
			return nil, nil
		}
		return fmt.Sprintf("%04d-Q%d", y, (m-1)/3+1), nil
	})
}
