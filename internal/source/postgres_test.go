package source_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/pgtest"
	"github.com/briefing-dev/briefing/internal/source"
	"github.com/briefing-dev/briefing/internal/table"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// readerPassword is the test role's password: no message may show it.
const readerPassword = "Rd-pw-7Qx9-not-in-output"

// spendRows are the fixture's facts, the same in PostgreSQL and in CSV:
// whole amounts, so that the database's exact sums and SQLite's floating
// ones agree to the cent.
func spendRows() [][4]string {
	var rows [][4]string
	regions := []string{"EMEA", "Americas", "APAC"}
	customers := []string{"Acme", "Globex", "Initech", "Umbrella"}
	for m := 1; m <= 6; m++ {
		for ci, c := range customers {
			for ri, r := range regions {
				amount := (m*1000 + ci*370 + ri*55) * (ci + 1)
				rows = append(rows, [4]string{fmt.Sprintf("2022-%02d-01", m), c, r, fmt.Sprint(amount)})
			}
		}
	}
	return rows
}

var fixture struct {
	sync.Once
	err error
}

// warehouse returns the shared server with the fixture loaded once: a
// database wh with a table spend that the role reader may only read.
func warehouse(t *testing.T) *pgtest.Server {
	t.Helper()
	srv := pgtest.Shared(t)
	fixture.Do(func() {
		var values []string
		for _, r := range spendRows() {
			values = append(values, fmt.Sprintf("('%s', '%s', '%s', %s)", r[0], r[1], r[2], r[3]))
		}
		if fixture.err = srv.Exec("postgres",
			"CREATE ROLE reader LOGIN PASSWORD '"+readerPassword+"'",
			"CREATE DATABASE wh"); fixture.err != nil {
			return
		}
		fixture.err = srv.Exec("wh",
			"CREATE TABLE spend (month date NOT NULL, customer text NOT NULL, region text NOT NULL, amount numeric(14,2) NOT NULL)",
			"INSERT INTO spend VALUES "+strings.Join(values, ", "),
			"CREATE TABLE big AS SELECT g AS n FROM generate_series(1, 500) g",
			"GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader",
			"GRANT CREATE ON SCHEMA public TO reader") // only the read-only transaction stops a CREATE
	})
	if fixture.err != nil {
		t.Fatalf("loading the fixture: %v", fixture.err)
	}
	return srv
}

// env is the environment a build gets: the reader's connection string.
func env(srv *pgtest.Server, password string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if k == "WH_DSN" {
			return srv.DSN("reader", password, "wh"), true
		}
		return "", false
	}
}

// writeSite writes files (path → content) into a new site folder.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func echarts(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../" + build.EChartsDefault)
	if err != nil {
		t.Fatalf("ECharts is not installed (%v): run `npm ci` at the repository root", err)
	}
	return b
}

func buildSite(t *testing.T, dir string, src source.Options) (*build.Result, error) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	return build.Build(root.FS(), build.Options{ECharts: echarts(t), Sources: src})
}

const pgSource = `
[sources.wh]
driver = "postgres"
dsn_env = "WH_DSN"
`

// The queries of the comparison, as local SQL on a CSV table and as
// source queries on PostgreSQL: the same text but for the source line.
const (
	byRegionSQL = "SELECT region, SUM(amount) AS spend, COUNT(*) AS n FROM spend GROUP BY region ORDER BY region\n"
	monthlySQL  = "SELECT month AS period, SUM(amount) AS spend FROM spend GROUP BY month ORDER BY month\n"
	figuresTOML = `[total]
sql = "SELECT SUM(spend) FROM by_region"
[top_region]
sql = "SELECT region FROM by_region ORDER BY spend DESC LIMIT 1"
[emea_share]
sql = "SELECT spend / (SELECT SUM(spend) FROM by_region) FROM by_region WHERE region = 'EMEA'"
format = "percent"
[last_month]
sql = "SELECT MAX(period) FROM monthly"
`
	indexMD = "+++\ntitle = \"Spend\"\n+++\n\nTotal {{fig total}}, most in {{fig top_region}} ({{fig emea_share}} EMEA) to {{fig last_month}}.\n"
)

func csvSite(t *testing.T) string {
	var b strings.Builder
	b.WriteString("month,customer,region,amount\n")
	for _, r := range spendRows() {
		b.WriteString(strings.Join(r[:], ",") + "\n")
	}
	return writeSite(t, map[string]string{
		"site.toml":             "title = \"T\"\n[data.spend]\nfile = \"data/spend.csv\"\n[data.spend.columns]\nmonth = \"date\"\namount = \"money\"\n",
		"data/spend.csv":        b.String(),
		"queries/by_region.sql": "-- spend: money\n-- n: number\n" + byRegionSQL,
		"queries/monthly.sql":   "-- period: month\n-- spend: money\n" + monthlySQL,
		"figures.toml":          figuresTOML,
		"content/index.md":      indexMD,
	})
}

func pgSite(t *testing.T, extra map[string]string) string {
	files := map[string]string{
		"site.toml":             "title = \"T\"\n" + pgSource,
		"queries/by_region.sql": "-- source: wh\n-- spend: money\n-- n: number\n" + byRegionSQL,
		"queries/monthly.sql":   "-- source: wh\n-- period: month\n-- spend: money\n" + monthlySQL,
		"figures.toml":          figuresTOML,
		"content/index.md":      indexMD,
	}
	maps.Copy(files, extra)
	return writeSite(t, files)
}

// Source queries on PostgreSQL give the figures and tables that the same
// data gives from a CSV file with the same SQL run locally.
func TestSourceQueriesMatchCSV(t *testing.T) {
	srv := warehouse(t)
	fromCSV, err := buildSite(t, csvSite(t), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromPG, err := buildSite(t, pgSite(t, nil), source.Options{Env: env(srv, readerPassword)})
	if err != nil {
		t.Fatal(err)
	}
	for _, fig := range []string{"total", "top_region", "emea_share", "last_month"} {
		a, errA := fromCSV.Figures.Show(fig)
		b, errB := fromPG.Figures.Show(fig)
		if errA != nil || errB != nil || a != b || a == "" {
			t.Errorf("figure %s: from CSV %q (%v), from PostgreSQL %q (%v)", fig, a, errA, b, errB)
		}
	}
	for _, name := range []string{"by_region", "monthly"} {
		a, b := fromCSV.Tables[name], fromPG.Tables[name]
		if got, want := dump(b), dump(a); got != want {
			t.Errorf("table %s from PostgreSQL:\n%s\nfrom CSV:\n%s", name, got, want)
		}
	}
	if page := string(fromPG.Files["index.html"]); !strings.Contains(page, "EMEA") {
		t.Errorf("the page does not show the figures:\n%s", page)
	}
}

func dump(t *table.Table) string {
	var b strings.Builder
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "%s:%s ", c.Name, c.Kind)
	}
	for _, r := range t.Rows {
		b.WriteString("\n")
		for i, c := range t.Columns {
			b.WriteString(table.Format(c.Kind, r[i]) + " | ")
		}
	}
	return b.String()
}

// runOne runs sql as a source query on the fixture under cfg.
func runOne(t *testing.T, cfg source.Config, password, sql string) error {
	t.Helper()
	srv := warehouse(t)
	cfg.Name, cfg.Driver, cfg.DSNEnv = "wh", "postgres", "WH_DSN"
	cfg.Where = diag.Pos{File: "site.toml", Line: 3, Col: 1}
	if cfg.Timeout == 0 {
		cfg.Timeout = source.DefaultTimeout
	}
	if cfg.MaxRows == 0 {
		cfg.MaxRows = source.DefaultMaxRows
	}
	set := source.New([]source.Config{cfg}, source.Options{Env: env(srv, password)})
	defer set.Close()
	_, err := set.Run(source.Query{Name: "q", Source: "wh", SQL: sql, File: "queries/q.sql", Line: 1, Col: 1,
		Where: diag.Pos{File: "queries/q.sql", Line: 1, Col: 1}}, table.DefaultLimits)
	if err == nil {
		t.Fatalf("%s: ran, want an error", sql)
	}
	if strings.Contains(err.Error(), readerPassword) {
		t.Errorf("the error shows the password: %v", err)
	}
	return err
}

// A query that writes is refused by the read-only transaction, even for
// a role that may write.
func TestWritesRefused(t *testing.T) {
	for _, sql := range []string{
		"INSERT INTO spend VALUES ('2022-07-01', 'Acme', 'EMEA', 1)",
		"CREATE TABLE sneaky (x int)",
		"SELECT 1; DELETE FROM spend",
	} {
		err := runOne(t, source.Config{}, readerPassword, sql)
		if diag.ExitCode(err) != diag.ExitSource || !strings.Contains(err.Error(), "q.sql") {
			t.Errorf("%s: %v (exit %d), want a query error at the file", sql, err, diag.ExitCode(err))
		}
	}
	srv := warehouse(t)
	db, err := srv.Open("wh")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM spend").Scan(&n); err != nil || n != len(spendRows()) {
		t.Errorf("spend has %d rows (%v) after the refused writes, want %d", n, err, len(spendRows()))
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'sneaky'").Scan(&n); err != nil || n != 0 {
		t.Errorf("CREATE TABLE was not refused: %d tables called sneaky (%v)", n, err)
	}
}

func TestTimeout(t *testing.T) {
	err := runOne(t, source.Config{Timeout: 300e6}, readerPassword, "SELECT pg_sleep(30)")
	if source.Why(err) != "timeout" || diag.ExitCode(err) != diag.ExitDatabase || !strings.Contains(err.Error(), "stopped after 300ms") {
		t.Errorf("got %v (exit %d), want the timeout error with exit %d", err, diag.ExitCode(err), diag.ExitDatabase)
	}
}

func TestRowCap(t *testing.T) {
	err := runOne(t, source.Config{MaxRows: 100}, readerPassword, "SELECT n FROM big")
	if diag.ExitCode(err) != diag.ExitSource || !strings.Contains(err.Error(), "more than 100 rows") || !strings.Contains(err.Error(), "aggregate in SQL") {
		t.Errorf("got %v, want the row cap's error", err)
	}
}

// A syntax error is shown where it is in the query file, and in
// site.toml for a [data] table's sql.
func TestSyntaxErrorPositioned(t *testing.T) {
	srv := warehouse(t)
	file := "-- source: wh\n-- spend: money\nSELECT region,\n       SUM(amount AS spend\nFROM spend GROUP BY region\n"
	toml := "title = \"T\"\n" + pgSource + "\n[data.regions]\nsource = \"wh\"\nsql = \"SELECT DISTINCT regoin FROM spend\"\n"
	dir := pgSite(t, map[string]string{"queries/bad.sql": file})
	_, err := buildSite(t, dir, source.Options{Env: env(srv, readerPassword)})
	wantLine := strings.Count(file[:strings.Index(file, "AS spend")], "\n") + 1
	wantCol := strings.Index(file, "AS spend") - strings.LastIndex(file[:strings.Index(file, "AS spend")], "\n")
	want := fmt.Sprintf("queries/bad.sql:%d:%d: ", wantLine, wantCol)
	if err == nil || !strings.HasPrefix(err.Error(), want) || diag.ExitCode(err) != diag.ExitSource {
		t.Errorf("got %v, want an error at %s", err, want)
	}

	dir = pgSite(t, map[string]string{"site.toml": toml})
	_, err = buildSite(t, dir, source.Options{Env: env(srv, readerPassword)})
	line := strings.Count(toml[:strings.Index(toml, "regoin")], "\n") + 1
	col := strings.Index(toml, "regoin") - strings.LastIndex(toml[:strings.Index(toml, "regoin")], "\n")
	want = fmt.Sprintf("site.toml:%d:%d: ", line, col)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want an error at %s", err, want)
	}
}

// A wrong password and a server that is not running give their own
// errors and exit status, and never the password.
func TestConnectionFailures(t *testing.T) {
	err := runOne(t, source.Config{}, "wrong-"+readerPassword, "SELECT 1")
	if source.Why(err) != "auth" || diag.ExitCode(err) != diag.ExitDatabase || strings.Contains(err.Error(), "wrong-") {
		t.Errorf("wrong password: %v (exit %d)", err, diag.ExitCode(err))
	}
	stopped := func(k string) (string, bool) {
		return "postgres://reader:" + readerPassword + "@127.0.0.1:1/wh?sslmode=disable&connect_timeout=5", true
	}
	set := source.New([]source.Config{{Name: "wh", Driver: "postgres", DSNEnv: "WH_DSN", Timeout: source.DefaultTimeout, MaxRows: 10}},
		source.Options{Env: stopped})
	defer set.Close()
	_, err = set.Run(source.Query{Name: "q", Source: "wh", SQL: "SELECT 1"}, table.DefaultLimits)
	if source.Why(err) != "unreachable" || diag.ExitCode(err) != diag.ExitDatabase || strings.Contains(err.Error(), readerPassword) {
		t.Errorf("no server: %v (exit %d)", err, diag.ExitCode(err))
	}
	var e *diag.Error
	if !errors.As(err, &e) || strings.Contains(e.Msg, "\n") {
		t.Errorf("no server: %q is not one line", err)
	}
}

// Column kinds come from the database's types.
func TestKindsFromTypes(t *testing.T) {
	srv := warehouse(t)
	set := source.New([]source.Config{{Name: "wh", Driver: "postgres", DSNEnv: "WH_DSN", Timeout: source.DefaultTimeout, MaxRows: 10}},
		source.Options{Env: env(srv, readerPassword)})
	defer set.Close()
	q := source.Query{Name: "k", Source: "wh", SQL: `SELECT 1::int AS i, 2.5::numeric AS n, 1.5::float8 AS f, 3::money AS m,
		DATE '2022-03-31' AS d, TIMESTAMP '2022-03-01 00:00' AS ts_day, TIMESTAMP '2022-03-01 12:30' AS ts_time, 'x'::text AS t, true AS b`}
	r, err := set.Run(q, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := r.Table(q)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]table.Kind{"i": table.Number, "n": table.Number, "f": table.Number, "m": table.Money,
		"d": table.Date, "ts_day": table.Date, "ts_time": table.Text, "t": table.Text, "b": table.Text}
	for _, c := range tb.Columns {
		if want[c.Name] != c.Kind {
			t.Errorf("column %s is %s, want %s", c.Name, c.Kind, want[c.Name])
		}
	}
	if got := table.Format(table.Money, tb.Rows[0][tb.Col("m")]); got != "3" {
		t.Errorf("money 3 reads as %s", got)
	}
	if names := tb.ColumnNames(); !slices.Equal(names, []string{"i", "n", "f", "m", "d", "ts_day", "ts_time", "t", "b"}) {
		t.Errorf("columns %v", names)
	}
}
