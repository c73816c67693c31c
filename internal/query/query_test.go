package query

import (
	"errors"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// The fixture: monthly spend per customer, with a missing share, a missing
// amount, a text column of digits, and a small table of quarters.
const spendCSV = `Month,Customer,Monthly spend (USD),Share,Day,Code
2022-01,TikTok,18000000,22%,2022-01-31,007
2022-02,TikTok,19000000,,2022-02-28,007
2022-03,TikTok,20000000,24.1%,2022-03-31,007
2022-03,Walmart,5000000,6%,2022-03-31,042
2022-03,Contoso,,,2022-03-31,
`

const quartersCSV = `quarter,revenue_growth
2024-Q1,0.31
2024-Q2,29%
`

// Encoded values, worked out by hand: a month is year*12+month-1, a
// quarter year*4+quarter-1, a date days since 1970-01-01 (2022-01-01 is
// 52*365 + 13 leap days = 18993).
const (
	jan22 = 2022*12 + 0
	feb22 = 2022*12 + 1
	mar22 = 2022*12 + 2

	q1y24 = 2024*4 + 0
	q2y24 = 2024*4 + 1
	q1y22 = 2022*4 + 0

	jan31 = 18993 + 30
	feb28 = 18993 + 31 + 27
	mar31 = 18993 + 31 + 28 + 30
)

func loadFixture(t *testing.T) map[string]*table.Table {
	t.Helper()
	fsys := fstest.MapFS{
		"data/spend.csv":    {Data: []byte(spendCSV)},
		"data/quarters.csv": {Data: []byte(quartersCSV)},
	}
	specs := []table.Spec{
		{Name: "spend", File: "data/spend.csv", Columns: map[string]table.Kind{
			"month": table.Month, "monthly_spend_usd": table.Money, "share": table.Percent, "day": table.Date,
		}},
		{Name: "quarters", File: "data/quarters.csv", Columns: map[string]table.Kind{
			"quarter": table.Quarter, "revenue_growth": table.Percent,
		}},
	}
	tables := map[string]*table.Table{}
	for _, s := range specs {
		tb, err := table.Load(fsys, s, table.DefaultLimits)
		if err != nil {
			t.Fatalf("loading %s: %v", s.File, err)
		}
		tables[s.Name] = tb
	}
	return tables
}

func openFixture(t *testing.T) *DB {
	t.Helper()
	db, err := Open(loadFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func num(f float64) table.Value { return table.Value{F: f} }
func text(s string) table.Value { return table.Value{S: s} }
func col(name string, k table.Kind) table.Column {
	return table.Column{Name: name, Kind: k}
}

var null = table.Value{Null: true}

func sameValue(a, b table.Value) bool {
	if a.Null || b.Null {
		return a.Null == b.Null
	}
	return a.S == b.S && math.Abs(a.F-b.F) <= 1e-9*math.Max(1, math.Abs(b.F))
}

func checkTable(t *testing.T, what string, got *table.Table, cols []table.Column, rows [][]table.Value) {
	t.Helper()
	kinds := make([]table.Column, len(got.Columns)) // where a kind came from is TestKindFrom's
	for i, c := range got.Columns {
		kinds[i] = table.Column{Name: c.Name, Kind: c.Kind}
	}
	if !reflect.DeepEqual(kinds, cols) {
		t.Errorf("%s: columns %v, want %v", what, got.Columns, cols)
		return
	}
	if len(got.Rows) != len(rows) {
		t.Errorf("%s: %d rows %v, want %d %v", what, len(got.Rows), got.Rows, len(rows), rows)
		return
	}
	for r := range rows {
		for c := range cols {
			if !sameValue(got.Rows[r][c], rows[r][c]) {
				t.Errorf("%s: row %d column %q = %+v, want %+v", what, r+1, cols[c].Name, got.Rows[r][c], rows[r][c])
			}
		}
	}
}

func TestRunKinds(t *testing.T) {
	db := openFixture(t)
	tests := []struct {
		sql   string
		types map[string]table.Kind
		cols  []table.Column
		rows  [][]table.Value
	}{
		{
			// Loaded columns selected as they are keep their types.
			sql: "SELECT month, customer, monthly_spend_usd, share, day, code FROM spend WHERE customer = 'TikTok' ORDER BY month",
			cols: []table.Column{col("month", table.Month), col("customer", table.Text), col("monthly_spend_usd", table.Money),
				col("share", table.Percent), col("day", table.Date), col("code", table.Text)},
			rows: [][]table.Value{
				{num(jan22), text("TikTok"), num(18e6), num(0.22), num(jan31), text("007")},
				{num(feb22), text("TikTok"), num(19e6), null, num(feb28), text("007")},
				{num(mar22), text("TikTok"), num(20e6), num(0.241), num(mar31), text("007")},
			},
		},
		{
			// Months compare as text in SQL; NULL sorts first, so last when descending.
			sql:  "SELECT share FROM spend WHERE month = '2022-03' ORDER BY share DESC",
			cols: []table.Column{col("share", table.Percent)},
			rows: [][]table.Value{{num(0.241)}, {num(0.06)}, {null}},
		},
		{
			sql:  "SELECT monthly_spend_usd FROM spend WHERE customer = 'Contoso'",
			cols: []table.Column{col("monthly_spend_usd", table.Money)},
			rows: [][]table.Value{{null}},
		},
		{
			sql:  "SELECT month FROM spend WHERE month > '2022-01' AND customer = 'TikTok' ORDER BY month",
			cols: []table.Column{col("month", table.Month)},
			rows: [][]table.Value{{num(feb22)}, {num(mar22)}},
		},
		// Aggregates of a column keep its type.
		{
			sql:  "SELECT MAX(month) FROM spend",
			cols: []table.Column{col("MAX(month)", table.Month)},
			rows: [][]table.Value{{num(mar22)}},
		},
		{
			sql:  "SELECT min(month) FROM spend",
			cols: []table.Column{col("min(month)", table.Month)},
			rows: [][]table.Value{{num(jan22)}},
		},
		{
			sql:  "SELECT MAX(day) FROM spend",
			cols: []table.Column{col("MAX(day)", table.Date)},
			rows: [][]table.Value{{num(mar31)}},
		},
		{
			sql:  "SELECT MAX(quarter) FROM quarters",
			cols: []table.Column{col("MAX(quarter)", table.Quarter)},
			rows: [][]table.Value{{num(q2y24)}},
		},
		{
			sql:  "SELECT MAX(customer) FROM spend",
			cols: []table.Column{col("MAX(customer)", table.Text)},
			rows: [][]table.Value{{text("Walmart")}},
		},
		{
			sql:  "SELECT SUM(monthly_spend_usd) FROM spend", // the empty amount is left out
			cols: []table.Column{col("SUM(monthly_spend_usd)", table.Money)},
			rows: [][]table.Value{{num(62e6)}},
		},
		{
			sql:  "SELECT AVG(monthly_spend_usd) FROM spend",
			cols: []table.Column{col("AVG(monthly_spend_usd)", table.Money)},
			rows: [][]table.Value{{num(15.5e6)}},
		},
		// Counts are numbers.
		{
			sql:  "SELECT COUNT(*) FROM spend",
			cols: []table.Column{col("COUNT(*)", table.Number)},
			rows: [][]table.Value{{num(5)}},
		},
		{
			sql:  "SELECT COUNT(monthly_spend_usd) FROM spend",
			cols: []table.Column{col("COUNT(monthly_spend_usd)", table.Number)},
			rows: [][]table.Value{{num(4)}},
		},
		{
			sql:  "SELECT customer, COUNT(*) AS n FROM spend GROUP BY customer ORDER BY customer",
			cols: []table.Column{col("customer", table.Text), col("n", table.Number)},
			rows: [][]table.Value{{text("Contoso"), num(1)}, {text("TikTok"), num(3)}, {text("Walmart"), num(1)}},
		},
		// An explicit type wins, over inference and over a loaded column.
		{
			sql:   "SELECT SUM(monthly_spend_usd) / 80e6 AS ratio FROM spend",
			types: map[string]table.Kind{"ratio": table.Percent},
			cols:  []table.Column{col("ratio", table.Percent)},
			rows:  [][]table.Value{{num(0.775)}},
		},
		{
			sql:  "SELECT SUM(monthly_spend_usd) / 80e6 AS ratio FROM spend",
			cols: []table.Column{col("ratio", table.Number)},
			rows: [][]table.Value{{num(0.775)}},
		},
		{
			sql:   "SELECT monthly_spend_usd FROM spend WHERE customer = 'Walmart'",
			types: map[string]table.Kind{"monthly_spend_usd": table.Number},
			cols:  []table.Column{col("monthly_spend_usd", table.Number)},
			rows:  [][]table.Value{{num(5e6)}},
		},
		{
			// A renamed month is just text …
			sql:  "SELECT month AS m FROM spend WHERE customer = 'Walmart'",
			cols: []table.Column{col("m", table.Text)},
			rows: [][]table.Value{{text("2022-03")}},
		},
		{
			// … unless a comment says what it is.
			sql:   "SELECT month AS m FROM spend WHERE customer = 'Walmart'",
			types: map[string]table.Kind{"m": table.Month},
			cols:  []table.Column{col("m", table.Month)},
			rows:  [][]table.Value{{num(mar22)}},
		},
		{
			sql:   "SELECT quarter_of(month) AS q, SUM(monthly_spend_usd) AS spend_usd FROM spend GROUP BY 1",
			types: map[string]table.Kind{"q": table.Quarter, "spend_usd": table.Money},
			cols:  []table.Column{col("q", table.Quarter), col("spend_usd", table.Money)},
			rows:  [][]table.Value{{num(q1y22), num(62e6)}},
		},
		{
			// "quarter" is a loaded column's name, so it is a quarter.
			sql:  "SELECT quarter, revenue_growth FROM quarters ORDER BY quarter DESC",
			cols: []table.Column{col("quarter", table.Quarter), col("revenue_growth", table.Percent)},
			rows: [][]table.Value{{num(q2y24), num(0.29)}, {num(q1y24), num(0.31)}},
		},
		// Inference: numbers when every value is numeric, text otherwise.
		{
			sql:  "SELECT 1 AS a, 'x' AS b, NULL AS c, 2.5 AS d, code AS e, -3 AS f FROM spend WHERE customer = 'Walmart'",
			cols: []table.Column{col("a", table.Number), col("b", table.Text), col("c", table.Number), col("d", table.Number), col("e", table.Text), col("f", table.Number)},
			rows: [][]table.Value{{num(1), text("x"), null, num(2.5), text("042"), num(-3)}},
		},
		{
			sql:  "SELECT 1 AS v UNION ALL SELECT 'a' UNION ALL SELECT NULL",
			cols: []table.Column{col("v", table.Text)},
			rows: [][]table.Value{{text("1")}, {text("a")}, {null}},
		},
		{
			sql:  "SELECT CAST(code AS INTEGER) AS n FROM spend WHERE customer = 'Walmart'",
			cols: []table.Column{col("n", table.Number)},
			rows: [][]table.Value{{num(42)}},
		},
		{
			sql:  "SELECT customer FROM spend WHERE customer = 'Nobody'",
			cols: []table.Column{col("customer", table.Text)},
			rows: nil,
		},
	}
	for _, tt := range tests {
		got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: tt.sql, Types: tt.types})
		if err != nil {
			t.Errorf("Run(%q): %v", tt.sql, err)
			continue
		}
		checkTable(t, tt.sql, got, tt.cols, tt.rows)
		if got.Name != "q" || got.File != "queries/q.sql" {
			t.Errorf("Run(%q) = table %q from %q, want q from queries/q.sql", tt.sql, got.Name, got.File)
		}
	}
}

// A query's result, added back, is a table like any other: its types
// carry on into the next query.
func TestRunChained(t *testing.T) {
	db := openFixture(t)
	first, err := db.Run(Source{Name: "totals", File: "queries/totals.sql", Line: 1,
		SQL:   "SELECT month, SUM(monthly_spend_usd) AS total FROM spend GROUP BY month ORDER BY month",
		Types: map[string]table.Kind{"total": table.Money}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Add(first); err != nil {
		t.Fatal(err)
	}
	got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: "SELECT month, total FROM totals WHERE total > 20e6"})
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, "chained", got, []table.Column{col("month", table.Month), col("total", table.Money)},
		[][]table.Value{{num(mar22), num(25e6)}})
	if w := got.Where().String(); w != "queries/q.sql:1" {
		t.Errorf("result Where() = %q, want queries/q.sql:1", w)
	}
}

func TestQuarterOf(t *testing.T) {
	db := openFixture(t)
	tests := []struct {
		arg  string // SQL expression
		want table.Value
	}{
		{"'2022-03'", text("2022-Q1")},
		{"'2022-01'", text("2022-Q1")},
		{"'2022-04'", text("2022-Q2")},
		{"'2022-06-30'", text("2022-Q2")},
		{"'2022-07-01'", text("2022-Q3")},
		{"'2022-11-30'", text("2022-Q4")},
		{"'2022-12'", text("2022-Q4")},
		{"'0999-05'", text("0999-Q2")},
		{"'2022-13'", null},
		{"'2022-00'", null},
		{"'2022-3'", null},
		{"'Mar 2022'", null},
		{"'2024-Q2'", null},
		{"'bad'", null},
		{"''", null},
		{"NULL", null},
		{"202203", null},
	}
	for _, tt := range tests {
		sql := "SELECT quarter_of(" + tt.arg + ") AS q"
		got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: sql})
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		if len(got.Rows) != 1 || !sameValue(got.Rows[0][0], tt.want) {
			t.Errorf("%s = %+v, want %+v", sql, got.Rows, tt.want)
		}
	}
	// Over a month column and a date column.
	for _, c := range []string{"month", "day"} {
		sql := "SELECT DISTINCT quarter_of(" + c + ") AS q FROM spend"
		got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: sql})
		if err != nil {
			t.Fatal(err)
		}
		checkTable(t, sql, got, []table.Column{col("q", table.Text)}, [][]table.Value{{text("2022-Q1")}})
	}
}

// TestRunErrors checks that a failing query is a positioned error in its
// file: a syntax error at the token SQLite names (line and column within
// the file, counting from Source.Line), other errors at the query.
func TestRunErrors(t *testing.T) {
	db := openFixture(t)
	tests := []struct {
		sql   string
		line  int // Source.Line
		types map[string]table.Kind
		want  string // the whole message
	}{
		{"SELECT month,\n  FROM spend", 1, nil, `queries/q.sql:2:3: query "q": near "FROM": syntax error`},
		{"SELECT month,\n  FROM spend", 5, nil, `queries/q.sql:6:3: query "q": near "FROM": syntax error`},
		{"SELEC 1", 1, nil, `queries/q.sql:1:1: query "q": near "SELEC": syntax error`},
		// The offending token, not an earlier one with the same text.
		{"SELECT 1,, 2", 1, nil, `queries/q.sql:1:10: query "q": near ",": syntax error`},
		{"SELECT 1 WHERE WHERE", 1, nil, `queries/q.sql:1:16: query "q": near "WHERE": syntax error`},
		{"-- month, customer\nSELECT month,, customer FROM spend", 1, nil, `queries/q.sql:2:14: query "q": near ",": syntax error`},
		{"SELECT FROMAGE FROM FROM spend", 1, nil, `queries/q.sql:1:21: query "q": near "FROM": syntax error`},
		{"SELECT 'a,b', 1,, 2", 3, nil, `queries/q.sql:3:17: query "q": near ",": syntax error`},
		// Not syntax: the query's position.
		{"SELECT * FROM nope", 1, nil, `queries/q.sql:1:15: query "q": no such table: nope (tables: quarters, spend)`},
		{"SELECT nope FROM spend", 2, nil, `queries/q.sql:2:8: query "q": no such column: nope (columns of spend: month, customer, monthly_spend_usd, share, day, code)`},
		{"SELECT month,\n  custmer FROM spend", 3, nil, `queries/q.sql:4:3: query "q": no such column: custmer (did you mean customer? columns of spend: month, customer, monthly_spend_usd, share, day, code)`},
		{"SELECT s.month FROM spend s JOIN quartrs q ON 1", 1, nil, `queries/q.sql:1:34: query "q": no such table: quartrs (did you mean quarters? tables: quarters, spend)`},
		{"SELECT 'mnth', [mnth] FROM spend", 1, nil, `queries/q.sql:1:17: query "q": no such column: mnth (did you mean month? columns of spend: month, customer, monthly_spend_usd, share, day, code)`},
		{"SELECT month FROM spend s JOIN spend t ON s.month = t.month", 1, nil, `queries/q.sql:1:8: query "q": ambiguous column name: month`},
		{"SELECT 'nofunc',\n  nofunc(month) FROM spend", 1, nil, `queries/q.sql:2:3: query "q": no such function: nofunc`},
		// A query that stops short: where it stops.
		{"SELECT 1 FROM", 1, nil, `queries/q.sql:1:14: query "q": incomplete input`},
		// A failure while the rows are read (and the database stays usable).
		{"SELECT abs(-9223372036854775807 - 1)", 1, nil, `queries/q.sql:1: query "q": integer overflow`},
		{"SELECT month, month FROM spend", 1, nil, `queries/q.sql:1: query "q": two result columns are called "month"; name them apart with AS`},
		{"SELECT 1 AS a, 2 AS a", 1, nil, `queries/q.sql:1: query "q": two result columns are called "a"; name them apart with AS`},
		{"SELECT 'garbage' AS m", 1, map[string]table.Kind{"m": table.Month}, `queries/q.sql:1: query "q": "garbage" is not a month (2022-03, Mar 2022 or a date) (column "m" is month)`},
	}
	for _, tt := range tests {
		got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: tt.line, SQL: tt.sql, Types: tt.types})
		if err == nil {
			t.Errorf("Run(%q) = %v, want an error", tt.sql, got.Rows)
			continue
		}
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("Run(%q) error %v is a %T, want *diag.Error", tt.sql, err, err)
		}
		if err.Error() != tt.want {
			t.Errorf("Run(%q) error\n  %s\nwant\n  %s", tt.sql, err, tt.want)
		}
	}
	// The database is still usable after errors.
	if _, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: "SELECT 1 AS one"}); err != nil {
		t.Errorf("after errors: %v", err)
	}
}

func TestLoadSources(t *testing.T) {
	fsys := fstest.MapFS{
		"queries/a.sql":      {Data: []byte("-- Spend by month.\n-- total: money\n--share:percent\r\n-- m : month\nSELECT month AS m, SUM(monthly_spend_usd) AS total,\n  SUM(share) AS share FROM spend GROUP BY month ORDER BY m\n-- x: date\n")},
		"queries/b.sql":      {Data: []byte("SELECT * FROM a\n")},
		"queries/notes.txt":  {Data: []byte("not a query")},
		"queries/sub/c.sql":  {Data: []byte("SELECT 1")},
		"queries/old.sql.bk": {Data: []byte("SELEC")},
	}
	srcs, err := LoadSources(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Source{
		{Name: "a", File: "queries/a.sql", Line: 1, SQL: string(fsys["queries/a.sql"].Data),
			Types: map[string]table.Kind{"total": table.Money, "share": table.Percent, "m": table.Month}},
		{Name: "b", File: "queries/b.sql", Line: 1, SQL: "SELECT * FROM a\n", Types: map[string]table.Kind{}},
	}
	if len(srcs) != len(want) {
		t.Fatalf("LoadSources = %d sources %+v, want %d", len(srcs), srcs, len(want))
	}
	for i := range want {
		g, w := srcs[i], want[i]
		if g.Name != w.Name || g.File != w.File || g.Line != w.Line || g.SQL != w.SQL || !maps.Equal(g.Types, w.Types) {
			t.Errorf("source %d = %+v, want %+v", i, g, w)
		}
	}

	// They run, in order, with their types.
	db := openFixture(t)
	ordered, err := Order(srcs)
	if err != nil {
		t.Fatal(err)
	}
	var last *table.Table
	for _, s := range ordered {
		if last, err = db.Run(s); err != nil {
			t.Fatal(err)
		}
		if err := db.Add(last); err != nil {
			t.Fatal(err)
		}
	}
	checkTable(t, "b", last,
		[]table.Column{col("m", table.Month), col("total", table.Money), col("share", table.Percent)},
		[][]table.Value{{num(jan22), num(18e6), num(0.22)}, {num(feb22), num(19e6), null}, {num(mar22), num(25e6), num(0.301)}})

	// No queries folder: no queries.
	if srcs, err := LoadSources(fstest.MapFS{"data/x.csv": {Data: []byte("a\n1\n")}}); err != nil || srcs != nil {
		t.Errorf("LoadSources without queries/ = %v, %v; want nothing", srcs, err)
	}
}

func TestLoadSourcesErrors(t *testing.T) {
	tests := []struct {
		file, text string
		want       string
	}{
		{"queries/Bad-Name.sql", "SELECT 1", `queries/Bad-Name.sql: query file name "Bad-Name": use lower-case letters, digits and _ (it becomes the table name)`},
		{"queries/1st.sql", "SELECT 1", `queries/1st.sql: query file name "1st"`},
		{"queries/x.sql", "-- share: pct\nSELECT 1", `queries/x.sql:1:11: unknown column type "pct"`},
		{"queries/x.sql", "-- about x\n-- total: dollars\nSELECT 1", `queries/x.sql:2:11: unknown column type "dollars"`},
		{"queries/x.sql", "  -- share: pct\nSELECT 1", `queries/x.sql:1:13: unknown column type "pct"`},
		{"queries/x.sql", "-- pct: pct\nSELECT 1", `queries/x.sql:1:9: unknown column type "pct"`},
		{"queries/x.sql", "-- only a comment\n", `queries/x.sql:1:1: query "x" is empty`},
		{"queries/x.sql", "", `queries/x.sql:1:1: query "x" is empty`},
		{"queries/x.sql", "\n  \n", `queries/x.sql:1:1: query "x" is empty`},
	}
	for _, tt := range tests {
		srcs, err := LoadSources(fstest.MapFS{tt.file: {Data: []byte(tt.text)}})
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s %q: %v", tt.file, tt.text, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s %q = %+v, want an error", tt.file, tt.text, srcs)
			continue
		}
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v is a %T, want *diag.Error", tt.file, err, err)
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s %q: error\n  %s\nwant it to start\n  %s", tt.file, tt.text, err, tt.want)
		}
	}
}

func src(name, sql string) Source {
	return Source{Name: name, File: "queries/" + name + ".sql", Line: 1, SQL: sql}
}

func names(srcs []Source) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name string
		srcs []Source
		want []string
	}{
		{"chain", []Source{
			src("c", "SELECT * FROM a JOIN b USING (month)"),
			src("a", "SELECT * FROM b"),
			src("b", "SELECT * FROM spend"),
		}, []string{"b", "a", "c"}},
		{"independent keep their order", []Source{src("z", "SELECT 1"), src("y", "SELECT 2")}, []string{"z", "y"}},
		{"names are case-insensitive", []Source{src("a", "select * from B"), src("b", "SELECT 1")}, []string{"b", "a"}},
		{"quoted names", []Source{src("a", `SELECT * FROM "b"`), src("b", "SELECT 1")}, []string{"b", "a"}},
		{"comment lines are not read", []Source{src("a", "-- built on b\nSELECT 1"), src("b", "SELECT * FROM a")}, []string{"a", "b"}},
		{"subquery", []Source{
			src("a", "SELECT * FROM spend WHERE month = (SELECT MAX(month) FROM b)"),
			src("b", "SELECT 1 AS month"),
		}, []string{"b", "a"}},
		{"FROM list", []Source{
			src("c", "SELECT * FROM a, b WHERE a.k = b.k"),
			src("b", "SELECT 1 AS k"),
			src("a", "SELECT 1 AS k"),
		}, []string{"a", "b", "c"}},
		{"LEFT JOIN", []Source{
			src("c", "SELECT * FROM spend AS s LEFT JOIN b ON s.k = b.k"),
			src("b", "SELECT 1 AS k"),
		}, []string{"b", "c"}},
		{"names in strings and comments are not read", []Source{
			src("a", "SELECT 'from b' AS x /* FROM b */ -- FROM b\nFROM spend"),
			src("b", "SELECT * FROM a"),
		}, []string{"a", "b"}},
		{"WITH and IN (SELECT …)", []Source{
			src("a", "WITH t AS (SELECT * FROM b) SELECT * FROM t WHERE k IN (SELECT k FROM c)"),
			src("c", "SELECT 1 AS k"),
			src("b", "SELECT 1 AS k"),
		}, []string{"b", "c", "a"}},
		{"subquery in a FROM list", []Source{
			src("a", "SELECT * FROM (SELECT * FROM b) AS s, c"),
			src("c", "SELECT 1 AS k"),
			src("b", "SELECT 1 AS k"),
		}, []string{"b", "c", "a"}},
		{"IS DISTINCT FROM compares", []Source{
			src("a", "SELECT * FROM spend WHERE k IS DISTINCT FROM b"),
			src("b", "SELECT * FROM a"),
		}, []string{"a", "b"}},
		// A column named like a query is not a reference to it.
		{"column named like the query", []Source{
			src("hhi", "SELECT month, SUM(share * share) AS hhi FROM customer_share GROUP BY month ORDER BY hhi"),
			src("customer_share", "SELECT * FROM spend"),
		}, []string{"customer_share", "hhi"}},
		{"column named like another query", []Source{
			src("report", "SELECT month, share FROM concentration"),
			src("share", "SELECT * FROM report"),
			src("concentration", "SELECT 1 AS month, 2 AS share"),
		}, []string{"concentration", "report", "share"}},
	}
	for _, tt := range tests {
		got, err := Order(tt.srcs)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if g := names(got); !reflect.DeepEqual(g, tt.want) {
			t.Errorf("%s: order %v, want %v", tt.name, g, tt.want)
		}
	}
}

func TestOrderCycles(t *testing.T) {
	tests := []struct {
		name string
		srcs []Source
		want string
	}{
		{"self", []Source{src("a", "SELECT * FROM a")},
			`queries/a.sql:1: query "a" depends on itself: a → a`},
		{"two", []Source{src("a", "SELECT * FROM b"), src("b", "SELECT * FROM a")},
			`queries/a.sql:1: query "a" depends on itself: a → b → a`},
		{"three, reached from outside", []Source{
			src("x", "SELECT * FROM a"),
			src("a", "SELECT * FROM b"),
			src("b", "SELECT * FROM c"),
			src("c", "SELECT * FROM spend JOIN a USING (k)"),
		}, `queries/a.sql:1: query "a" depends on itself: a → b → c → a`},
	}
	for _, tt := range tests {
		got, err := Order(tt.srcs)
		if err == nil {
			t.Errorf("%s: order %v, want an error", tt.name, names(got))
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s: error\n  %s\nwant\n  %s", tt.name, err, tt.want)
		}
	}
}

// TestRunIsReadOnly: a query file cannot change the tables that later
// queries and figures read.
func TestRunIsReadOnly(t *testing.T) {
	tables := map[string]*table.Table{}
	tb := table.New("t", "data/t.csv", 1, []table.Column{{Name: "v", Kind: table.Number}})
	tb.Append([]table.Value{{F: 1}})
	tables["t"] = tb
	db, err := Open(tables)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, sql := range []string{"DELETE FROM t", "CREATE TABLE x (a)", "DROP TABLE t"} {
		if _, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: sql}); err == nil || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("%s: err = %v, want a read-only refusal", sql, err)
		}
	}
	got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1, SQL: "SELECT COUNT(*) AS n FROM t"})
	if err != nil || len(got.Rows) != 1 || got.Rows[0][0].F != 1 {
		t.Fatalf("the table changed: %v %v", got, err)
	}
	// Results can still be added as tables for later queries.
	if err := db.Add(got); err != nil {
		t.Fatalf("Add after a query: %v", err)
	}
}

// A query named like a table in another case clashes in SQLite: it is an
// error at the query file, for every such query, before anything runs.
func TestCheckNamesIgnoresCase(t *testing.T) {
	tables := map[string]*table.Table{
		"Sales":  table.New("Sales", "data/sales.csv", 1, []table.Column{{Name: "v", Kind: table.Number}}),
		"spend":  table.New("spend", "data/spend.xlsx", 1, []table.Column{{Name: "v", Kind: table.Number}}),
		"Region": table.New("Region", "data/region.csv", 1, []table.Column{{Name: "v", Kind: table.Number}}),
	}
	srcs := []Source{src("sales", "SELECT 1"), src("spend", "SELECT 2"), src("totals", "SELECT 3")}
	err := CheckNames(srcs, tables)
	list := diag.Flatten(err)
	if len(list) != 2 {
		t.Fatalf("CheckNames = %v, want two clashes", err)
	}
	for i, want := range []string{
		`queries/sales.sql:1:1: query "sales" has the name of the table "Sales" loaded from data/sales.csv`,
		`queries/spend.sql:1:1: query "spend" has the name of the table loaded from data/spend.xlsx`,
	} {
		if !strings.HasPrefix(list[i].Error(), want) || list[i].Kind != diag.Query {
			t.Errorf("clash %d: %s (%s)\nwant %s…", i, list[i], list[i].Kind, want)
		}
	}
	if err := CheckNames([]Source{src("totals", "SELECT 1")}, tables); err != nil {
		t.Errorf("no clash: %v", err)
	}
	// What the check prevents: SQLite refuses the second table.
	db, err := Open(map[string]*table.Table{"Sales": tables["Sales"]})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Add(table.New("sales", "queries/sales.sql", 1, []table.Column{{Name: "v", Kind: table.Number}})); err == nil {
		t.Error("SQLite took a table named like another in another case; the check may be moot")
	}
}

// TestKindFrom pins what `briefing describe` says about where a result
// column's kind came from.
func TestKindFrom(t *testing.T) {
	db := openFixture(t)
	got, err := db.Run(Source{Name: "q", File: "queries/q.sql", Line: 1,
		SQL:   "SELECT month, MAX(monthly_spend_usd), 'x' AS label, 2 AS two, share AS s FROM spend GROUP BY month",
		Types: map[string]table.Kind{"s": table.Percent}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"column month", "column monthly_spend_usd", "values", "values", "query comment"}
	for i, c := range got.Columns {
		if c.From != want[i] {
			t.Errorf("column %s: from %q, want %q", c.Name, c.From, want[i])
		}
	}
}
