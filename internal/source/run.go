package source

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// The reasons behind diag.Source and diag.Config problems, kept as their
// Err so that callers (fallback, tests) can tell them apart.
var (
	errUnreachable = errors.New("database server cannot be reached")
	errAuth        = errors.New("credentials refused")
	errTimeout     = errors.New("query timed out")
	errNoDSN       = errors.New("connection string not set")
)

// Why the problem err holds happened, for callers that act on it:
// Unreachable (including an unset connection string), Auth or Timeout;
// "" for anything else.
func Why(err error) string {
	var e *diag.Error
	if !asError(err, &e) {
		return ""
	}
	switch e.Err {
	case errUnreachable, errNoDSN:
		return "unreachable"
	case errAuth:
		return "auth"
	case errTimeout:
		return "timeout"
	}
	return ""
}

func asError(err error, e **diag.Error) bool { return errors.As(err, e) }

// connectTimeout bounds opening a connection, whatever the query timeout.
const connectTimeout = 15 * time.Second

// grace is how much longer than the statement timeout the client waits,
// so that a server that stops the query itself reports it first.
const grace = 2 * time.Second

// Result is what a source query returned: its columns, the kinds the
// database's types give them, and every cell as canonical text ("" for
// null). Online and offline builds both make their table from a Result,
// so they make the same table.
type Result struct {
	Columns []string
	Kinds   []table.Kind
	Cells   [][]string
}

// Run sends q to its database and returns the result.
func (s *Set) Run(q Query, lim table.Limits) (*Result, error) {
	cfg, ok := s.sources[q.Source]
	if !ok {
		return nil, diag.Config.Errorf(q.Where, "query %q: no source %q in site.toml (declare it as [sources.%s])", q.Name, q.Source, q.Source)
	}
	c, err := s.open(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout+grace)
	defer cancel()
	r, err := c.query(ctx, cancel, cfg, q, lim)
	if err != nil {
		return nil, c.problem(cfg, q, err)
	}
	return r, nil
}

// query runs q in a read-only transaction under cfg's limits.
// A result refused part-way is cancelled before its rows are closed, so
// that the server stops instead of sending the rest.
func (c *conn) query(ctx context.Context, cancel func(), cfg Config, q Query, lim table.Limits) (*Result, error) {
	tx, err := c.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if c.driver.Setup != nil {
		if err := c.driver.Setup(ctx, tx, cfg.Timeout); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, q.SQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r, err := readRows(rows, c.driver, cfg, q, lim)
	if err != nil {
		cancel()
	}
	return r, err
}

// readRows streams the result in, refusing it past the row cap or a
// cell past the cell limit as soon as it gets there.
func readRows(rows *sql.Rows, d *Driver, cfg Config, q Query, lim table.Limits) (*Result, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	r := &Result{Columns: make([]string, len(types))}
	if err := r.name(types, q, lim); err != nil {
		return nil, err
	}
	seen := make([]valueSeen, len(types))
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if len(r.Cells) >= cfg.MaxRows {
			return nil, tooManyRows(cfg, q)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = seen[i].text(v)
			if len(row[i]) > lim.MaxCellBytes {
				return nil, diag.Data.Errorf(q.Where, "query %q: row %d, column %q holds more than %d bytes, the limit for one cell", q.Name, len(r.Cells)+1, r.Columns[i], lim.MaxCellBytes)
			}
		}
		r.Cells = append(r.Cells, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.Kinds = make([]table.Kind, len(types))
	for i, t := range types {
		if k, ok := d.Types[t.DatabaseTypeName()]; ok {
			r.Kinds[i] = k
			continue
		}
		r.Kinds[i] = kindOf(t.DatabaseTypeName(), seen[i])
	}
	return r, nil
}

// name takes the result's column names, refusing a nameless, repeated or
// invalid one, or too many.
func (r *Result) name(types []*sql.ColumnType, q Query, lim table.Limits) error {
	if len(types) == 0 {
		return diag.Query.Errorf(q.Where, "query %q returns no columns", q.Name)
	}
	if len(types) > lim.MaxCols {
		return diag.Query.Errorf(q.Where, "query %q returns %d columns, more than the limit of %d", q.Name, len(types), lim.MaxCols)
	}
	seen := map[string]bool{}
	for i, t := range types {
		n := t.Name()
		switch {
		case n == "" || n == "?column?" || !utf8.ValidString(n):
			return diag.Query.Errorf(q.Where, "query %q: result column %d has no name; name it with AS", q.Name, i+1)
		case seen[n]:
			return diag.Query.Errorf(q.Where, "query %q: two result columns are called %q; name them apart with AS", q.Name, n)
		}
		seen[n] = true
		r.Columns[i] = n
	}
	return nil
}

func tooManyRows(cfg Config, q Query) error {
	return diag.Query.Errorf(q.Where, "query %q returns more than %d rows, the cap of source %q: aggregate in SQL (GROUP BY, or a WHERE on the period) so that only what the briefing shows comes back, or raise sources.%s.max_rows in site.toml; nothing is ever cut short",
		q.Name, cfg.MaxRows, cfg.Name, cfg.Name)
}

// Table makes the table of q from the result: declared kinds win over
// the database's, and every cell is parsed from its canonical text as a
// loader would.
func (r *Result) Table(q Query) (*table.Table, error) {
	cols := make([]table.Column, len(r.Columns))
	for i, n := range r.Columns {
		k, ok := q.Types[n]
		if !ok {
			k = r.Kinds[i]
		}
		cols[i] = table.Column{Name: n, Kind: k}
	}
	t := table.New(q.Name, q.Where.File, q.Where.Line, cols)
	for ri, row := range r.Cells {
		vals := make([]table.Value, len(cols))
		for i, c := range cols {
			v, err := table.ParseText(c.Kind, row[i], c.Name)
			if err != nil {
				return nil, diag.Data.Errorf(q.Where, "query %q, row %d: %v", q.Name, ri+1, err)
			}
			vals[i] = v
		}
		t.Append(vals)
	}
	return t, nil
}

// open connects to cfg's database once, checking that it answers and
// accepts the credentials; a failure is kept and returned for every query.
func (s *Set) open(cfg Config) (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.conns[cfg.Name]; ok {
		return c, c.err
	}
	c := &conn{}
	s.conns[cfg.Name] = c
	c.err = s.connect(cfg, c)
	return c, c.err
}

func (s *Set) connect(cfg Config, c *conn) error {
	c.driver = driverNamed(cfg.Driver)
	if c.driver == nil {
		return diag.Config.Errorf(cfg.Where, "source %q: unknown driver %q", cfg.Name, cfg.Driver)
	}
	var dsn string
	if s.opt.Env != nil {
		dsn, _ = s.opt.Env(cfg.DSNEnv)
	}
	if dsn == "" {
		return &diag.Error{Kind: diag.Config, Pos: cfg.Where, Err: errNoDSN,
			Msg: fmt.Sprintf("source %q: the environment variable %s is not set; it must hold the connection string (or build with --offline to use the snapshots)", cfg.Name, cfg.DSNEnv)}
	}
	c.secret = secrets(c.driver, dsn)
	if c.driver.DSN != nil {
		dsn = c.driver.DSN(dsn)
	}
	db, err := sql.Open(c.driver.SQLName, dsn)
	if err != nil {
		return diag.Config.Errorf(cfg.Where, "source %q: %s", cfg.Name, redact(err.Error(), c.secret))
	}
	db.SetMaxIdleConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), min(connectTimeout, cfg.Timeout+grace))
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		f := c.driver.classify(err)
		if f.kind == failTimeout {
			f = failure{kind: failUnreachable, detail: "no answer within " + min(connectTimeout, cfg.Timeout+grace).String()}
		}
		if f.kind == failSQL || f.kind == failUnknown || f.kind == failReadOnly {
			f = failure{kind: failUnreachable, detail: "the connection failed"}
		}
		return c.failed(cfg, Query{Where: cfg.Where}, f)
	}
	c.db = db
	return nil
}

// problem turns a driver error from running q into a positioned problem.
func (c *conn) problem(cfg Config, q Query, err error) error {
	var e *diag.Error
	if errors.As(err, &e) {
		return err // already ours (row cap, cell limit)
	}
	f := c.driver.classify(err)
	if f.position == 0 && (f.kind == failSQL || f.kind == failReadOnly) {
		f.position = tokenPosition(q.SQL, f.detail)
	}
	return c.failed(cfg, q, f)
}

// nameInError is the token a driver's message names, for drivers that say
// where the error is only by naming it (SQLite): near "FORM", no such
// table: nope.
var nameInError = regexp.MustCompile(`near "([^"]+)"|no such (table|column|function): (?:main\.)?"?([^"\s]+)"?|ambiguous column name: (\S+)`)

// tokenPosition is the 1-based character position, in the query text, of
// the token msg names, outside comments and string literals; 0 (the
// query's declaration) when msg names none, or when it cannot tell which
// of several places is meant: a syntax error near a word written twice.
// An unknown table is looked for after FROM or JOIN first, and an unknown
// column or function elsewhere first.
func tokenPosition(sqlText, msg string) int {
	m := nameInError.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	tok, kind := m[1]+m[3]+m[4], m[2]
	if i := strings.LastIndex(tok, "."); i >= 0 && m[1] == "" {
		tok = tok[i+1:] // a qualified column: t.nope is at nope
	}
	code := maskSQL(sqlText)
	var at []int // whole-word occurrences
	for from := 0; from < len(code); {
		i := strings.Index(code[from:], tok)
		if i < 0 {
			break
		}
		i += from
		end := i + len(tok)
		if (i == 0 || !isWord(tok[0]) || !isWord(code[i-1])) && (end == len(code) || !isWord(tok[len(tok)-1]) || !isWord(code[end])) {
			at = append(at, i)
		}
		from = i + 1
	}
	pick := -1
	switch {
	case len(at) == 1:
		pick = at[0]
	case len(at) > 1 && kind != "":
		for _, i := range at {
			if afterFromOrJoin(code[:i]) == (kind == "table") {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return 0
	}
	return utf8.RuneCountInString(sqlText[:pick]) + 1
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// afterFromOrJoin reports whether the SQL before a word ends with FROM or
// JOIN (or a comma of a FROM list's first table: not told apart).
func afterFromOrJoin(before string) bool {
	f := strings.Fields(strings.ToUpper(before))
	return len(f) > 0 && (f[len(f)-1] == "FROM" || f[len(f)-1] == "JOIN")
}

// maskSQL blanks out comments and string literals, byte for byte, so that
// a word in them is not taken for the one an error names.
func maskSQL(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		switch {
		case b[i] == '-' && i+1 < len(b) && b[i+1] == '-':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			end := len(b)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			for ; i < end; i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		case b[i] == '\'':
			b[i] = ' '
			for i++; i < len(b); i++ {
				if b[i] == '\'' {
					if i+1 < len(b) && b[i+1] == '\'' { // '' inside a literal
						b[i], b[i+1] = ' ', ' '
						i++
						continue
					}
					b[i] = ' '
					i++
					break
				}
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		default:
			i++
		}
	}
	return string(b)
}

// failed words a failure: one line, nothing from the connection string.
func (c *conn) failed(cfg Config, q Query, f failure) error {
	detail := redact(f.detail, c.secret)
	src := fmt.Sprintf("source %q", cfg.Name)
	switch f.kind {
	case failUnreachable:
		return &diag.Error{Kind: diag.Source, Pos: cfg.Where, Err: errUnreachable,
			Msg: fmt.Sprintf("%s: cannot reach the database server (%s); check %s and the server, or build with --offline from the snapshots", src, detail, cfg.DSNEnv)}
	case failAuth:
		return &diag.Error{Kind: diag.Source, Pos: cfg.Where, Err: errAuth,
			Msg: fmt.Sprintf("%s: the database server refused the credentials in %s", src, cfg.DSNEnv)}
	case failTimeout:
		return &diag.Error{Kind: diag.Source, Pos: q.Where, Err: errTimeout,
			Msg: fmt.Sprintf("query %q: stopped after %v, the timeout of %s (aggregate more in the database, or raise sources.%s.timeout in site.toml)", q.Name, cfg.Timeout, src, cfg.Name)}
	case failConfig:
		return diag.Config.Errorf(cfg.Where, "%s: %s (check %s)", src, detail, cfg.DSNEnv)
	case failReadOnly:
		return diag.Query.Errorf(q.at(f.position), "query %q: writes are refused: source queries run in a read-only transaction (%s)", q.Name, detail)
	}
	return diag.Query.Errorf(q.at(f.position), "query %q: %s", q.Name, detail)
}

// at is where character pos (1-based, as PostgreSQL counts) of the query
// text sits in its file; the query's declaration when pos is 0.
func (q Query) at(pos int) diag.Pos {
	if pos <= 0 || q.File == "" {
		return q.Where
	}
	off := 0
	for i := range q.SQL {
		if pos--; pos == 0 {
			off = i
			break
		}
		off = len(q.SQL)
	}
	line, col := diag.LineCol([]byte(q.SQL), off)
	if line == 1 && q.Col > 1 {
		col += q.Col - 1
	}
	return diag.Pos{File: q.File, Line: q.Line + line - 1, Col: col}
}
