package build

import (
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
)

// The query benchmarks build a generated briefing whose one data table is
// a 100,000-row, 10-column workbook of line items: 36 months × 200
// customers, about 14 lines per customer and month. Six queries derive
// monthly totals (LAG growth), customer shares (RANK), concentration (top-5
// share, HHI), a quarterly rollup (quarter_of), a segment mix and a
// customer summary; figures.toml declares 22 figures, sql and expr; one
// page quotes some of them and places one chart. See
// docs/benchmarks/queries.md for the results.
const (
	q100kRows      = 100_000
	q100kCustomers = 200
	q100kMonths    = 36 // Jan 2022 – Dec 2024
	q100kWorkbook  = "data/spend.xlsx"
)

var q100kSiteFlag = flag.String("querysite", "", "directory holding a briefing written by TestWriteQueryBenchSite, for the query benchmarks to read instead of generating one")

var q100kOut = flag.String("querysite-out", "", "TestWriteQueryBenchSite writes the 100k-row query benchmark briefing into this directory")

var q100kHeader = []any{"Month", "Customer", "Segment", "Region", "Product", "Channel", "Spend (USD)", "Seats", "Discount", "Contract"}

// q100kFiles are the briefing's text files, by path.
var q100kFiles = map[string]string{
	"site.toml": `title = "Query benchmark"
period = "Jan 2022 – Dec 2024"

[data.spend]
file = "data/spend.xlsx"
sheet = "Spend"
[data.spend.columns]
month = "month"
spend_usd = "money"
seats = "number"
discount = "percent"
`,

	"queries/monthly_totals.sql": `-- Total spend per month, seats, active customers, and growth on the month before.
-- total_spend_usd: money
-- run_rate_usd: money
-- growth_mom: percent
-- customers: number
SELECT month,
       SUM(spend_usd)            AS total_spend_usd,
       SUM(spend_usd) * 12       AS run_rate_usd,
       SUM(seats)                AS seats,
       COUNT(DISTINCT customer)  AS customers,
       SUM(spend_usd) / LAG(SUM(spend_usd)) OVER (ORDER BY month) - 1 AS growth_mom
FROM spend
GROUP BY month
ORDER BY month
`,

	"queries/customer_share.sql": `-- Each customer's spend per month, its share of the month and its rank.
-- spend_usd: money
-- share: percent
SELECT c.month,
       c.customer,
       c.segment,
       c.region,
       c.spend_usd,
       c.spend_usd / t.total_spend_usd AS share,
       RANK() OVER (PARTITION BY c.month ORDER BY c.spend_usd DESC) AS rank
FROM (SELECT month, customer, segment, region, SUM(spend_usd) AS spend_usd
      FROM spend
      GROUP BY month, customer, segment, region) AS c
JOIN monthly_totals AS t USING (month)
ORDER BY c.month, rank
`,

	"queries/concentration.sql": `-- Concentration per month: largest account, five largest, and the HHI.
-- top1_share: percent
-- top5_share: percent
-- hhi: number
SELECT month,
       MAX(CASE WHEN rank = 1 THEN share END)         AS top1_share,
       SUM(CASE WHEN rank <= 5 THEN share ELSE 0 END) AS top5_share,
       SUM(share * share * 10000)                     AS hhi
FROM customer_share
GROUP BY month
ORDER BY month
`,

	"queries/quarterly_spend.sql": `-- Spend rolled up into calendar quarters, with growth on the quarter before.
-- quarter: quarter
-- spend_usd: money
-- months: number
-- growth_qoq: percent
SELECT quarter_of(month)      AS quarter,
       SUM(spend_usd)         AS spend_usd,
       COUNT(DISTINCT month)  AS months,
       SUM(spend_usd) / LAG(SUM(spend_usd)) OVER (ORDER BY quarter_of(month)) - 1 AS growth_qoq
FROM spend
GROUP BY quarter_of(month)
ORDER BY quarter
`,

	"queries/segment_mix.sql": `-- The latest month's spend by segment, with each segment's share.
-- spend_usd: money
-- share: percent
SELECT segment,
       SUM(spend_usd) AS spend_usd,
       SUM(spend_usd) / SUM(SUM(spend_usd)) OVER () AS share,
       COUNT(DISTINCT customer) AS customers,
       AVG(discount) AS avg_discount
FROM spend
WHERE month = (SELECT MAX(month) FROM spend)
GROUP BY segment
ORDER BY spend_usd DESC
`,

	"queries/customer_summary.sql": `-- One row per customer: first and latest month's spend, growth, latest rank.
-- first_spend_usd: money
-- latest_spend_usd: money
-- growth: percent
SELECT l.customer,
       l.segment,
       l.region,
       f.spend_usd AS first_spend_usd,
       l.spend_usd AS latest_spend_usd,
       l.spend_usd / f.spend_usd - 1 AS growth,
       l.share,
       l.rank
FROM customer_share AS l
JOIN customer_share AS f
  ON f.customer = l.customer AND f.month = (SELECT MIN(month) FROM customer_share)
WHERE l.month = (SELECT MAX(month) FROM customer_share)
ORDER BY l.rank
`,

	"figures.toml": `[latest_month]
sql = "SELECT MAX(month) FROM spend"

[first_month]
sql = "SELECT MIN(month) FROM spend"

[total_spend]
sql = "SELECT total_spend_usd FROM monthly_totals ORDER BY month DESC LIMIT 1"

[first_total_spend]
sql = "SELECT total_spend_usd FROM monthly_totals ORDER BY month LIMIT 1"

[total_growth]
expr = "total_spend / first_total_spend - 1"
format = "change"

[run_rate]
expr = "total_spend * 12"

[mom_growth]
sql = "SELECT growth_mom FROM monthly_totals ORDER BY month DESC LIMIT 1"
format = "change"

[top_customer]
sql = "SELECT customer FROM customer_share WHERE rank = 1 AND month = (SELECT MAX(month) FROM customer_share)"

[top_customer_spend]
sql = "SELECT spend_usd FROM customer_share WHERE rank = 1 AND month = (SELECT MAX(month) FROM customer_share)"

[top_customer_share]
expr = "top_customer_spend / total_spend"
format = "percent"

[top5_share]
sql = "SELECT top5_share FROM concentration ORDER BY month DESC LIMIT 1"

[hhi]
sql = "SELECT hhi FROM concentration ORDER BY month DESC LIMIT 1"
format = "integer"

[first_hhi]
sql = "SELECT hhi FROM concentration ORDER BY month LIMIT 1"
format = "integer"

[hhi_change]
expr = "hhi - first_hhi"
format = "integer"

[active_customers]
sql = "SELECT COUNT(DISTINCT customer) FROM spend WHERE month = (SELECT MAX(month) FROM spend)"
format = "integer"

[avg_discount]
sql = "SELECT AVG(discount) FROM spend"

[latest_seats]
sql = "SELECT SUM(seats) FROM spend WHERE month = (SELECT MAX(month) FROM spend)"
format = "integer"

[latest_quarter]
sql = "SELECT MAX(quarter) FROM quarterly_spend"

[quarter_spend]
sql = "SELECT spend_usd FROM quarterly_spend ORDER BY quarter DESC LIMIT 1"

[quarter_growth]
sql = "SELECT growth_qoq FROM quarterly_spend ORDER BY quarter DESC LIMIT 1"
format = "change"

[enterprise_share]
sql = "SELECT share FROM segment_mix WHERE segment = 'Enterprise'"

[spend_per_customer]
expr = "total_spend / active_customers"
type = "money"
`,

	"charts/total-spend.toml": `type = "line"
table = "monthly_totals"
title = "Total monthly spend"
x = "month"
y = "total_spend_usd"
`,

	"content/index.md": `+++
title = "Overview"
order = 1
+++

In {{fig latest_month}} {{fig active_customers}} customers spent
{{fig total_spend}} ({{fig mom_growth}} on the month before; an annual
run-rate of {{fig run_rate}}), {{fig total_growth}} since {{fig first_month}}.
The largest, {{fig top_customer}}, spent {{fig top_customer_spend}}
({{fig top_customer_share}}); the five largest together {{fig top5_share}}.
The HHI is {{fig hhi}} ({{fig first_hhi}} in {{fig first_month}}).
In {{fig latest_quarter}} spend was {{fig quarter_spend}}
({{fig quarter_growth}} on the quarter before). Enterprise accounts are
{{fig enterprise_share}} of the month; the average discount is
{{fig avg_discount}}.

{{chart total-spend}}
`,
}

// writeQueryBenchSite writes the benchmark briefing into dir.
func writeQueryBenchSite(dir string) error {
	for name, text := range q100kFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	wb := filepath.Join(dir, filepath.FromSlash(q100kWorkbook))
	if err := os.MkdirAll(filepath.Dir(wb), 0o755); err != nil {
		return err
	}
	return writeQueryBenchWorkbook(wb)
}

// writeQueryBenchWorkbook writes the line items with excelize's
// StreamWriter: the month as a date serial with a date style, text,
// money, integers and a fraction. The rows are in month order; within a
// month they cycle through the customers. Customer c's spend follows a
// Zipf-like curve (the largest account is about a tenth of the total)
// growing about 1.5% a month, with noise from a fixed seed.
func writeQueryBenchWorkbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Spend"); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Spend")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", q100kHeader); err != nil {
		return err
	}
	segments := []string{"Enterprise", "Mid-market", "SMB", "Public sector"}
	regions := []string{"North America", "Europe", "Asia Pacific", "Latin America", "Middle East"}
	products := []string{"Models API", "Fine-tuning", "Embeddings", "Assistants", "Batch", "Vision"}
	channels := []string{"Direct", "Reseller", "Marketplace"}
	contracts := []string{"monthly", "annual", "multi-year"}
	names := make([]string, q100kCustomers)
	for c := range names {
		names[c] = fmt.Sprintf("Account %03d", c+1)
	}
	rng := rand.New(rand.NewPCG(2022, 3))
	row := make([]any, len(q100kHeader))
	for r := range q100kRows {
		m := r * q100kMonths / q100kRows
		c := r % q100kCustomers
		day := time.Date(2022, time.January, 1+r%28, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0)
		weight := 1 / math.Pow(float64(c+1), 0.9)
		growth := math.Pow(1.015, float64(m))
		spend := math.Round(40_000*weight*growth*(0.6+0.8*rng.Float64())*100) / 100
		row[0] = excelize.Cell{StyleID: dateStyle, Value: day}
		row[1] = names[c]
		row[2] = segments[c%len(segments)]
		row[3] = regions[c%len(regions)]
		row[4] = products[(r/q100kCustomers)%len(products)]
		row[5] = channels[(c+r)%len(channels)]
		row[6] = spend
		row[7] = 1 + rng.IntN(500)
		row[8] = float64(rng.IntN(31)) / 100
		row[9] = contracts[c%len(contracts)]
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// queryBenchSite returns the briefing's folder: generated once per
// benchmark into b.TempDir, before the timed loop, or the folder given
// with -querysite (so that a whole-process measurement such as peak RSS
// does not include generating it).
func queryBenchSite(b *testing.B) string {
	b.Helper()
	if *q100kSiteFlag != "" {
		return *q100kSiteFlag
	}
	dir := b.TempDir()
	start := time.Now()
	if err := writeQueryBenchSite(dir); err != nil {
		b.Fatalf("generating the benchmark briefing: %v", err)
	}
	b.Logf("generated the benchmark briefing in %v", time.Since(start).Round(time.Millisecond))
	return dir
}

// TestWriteQueryBenchSite writes the benchmark briefing somewhere to keep:
//
//	go test ./internal/build -run TestWriteQueryBenchSite -args -querysite-out /tmp/qsite
//	go test ./internal/build -run '^$' -bench Queries -args -querysite /tmp/qsite
func TestWriteQueryBenchSite(t *testing.T) {
	if *q100kOut == "" {
		t.Skip("no -querysite-out directory given")
	}
	if err := writeQueryBenchSite(*q100kOut); err != nil {
		t.Fatal(err)
	}
}

// openQueryBenchSite opens the folder as the command does: through an
// os.Root.
func openQueryBenchSite(b *testing.B, dir string) fs.FS {
	b.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root.FS()
}

// loadQueryBenchTables loads the workbook as Build does.
func loadQueryBenchTables(b *testing.B, fsys fs.FS) map[string]*table.Table {
	b.Helper()
	cfg, err := config.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	tables, err := loadTables(fsys, cfg, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if n := len(tables["spend"].Rows); n != q100kRows {
		b.Fatalf("table spend has %d rows, want %d", n, q100kRows)
	}
	return tables
}

// checkQueryBenchTables checks the derived tables' sizes.
func checkQueryBenchTables(b *testing.B, tables map[string]*table.Table) {
	b.Helper()
	want := map[string]int{
		"spend":            q100kRows,
		"monthly_totals":   q100kMonths,
		"customer_share":   q100kMonths * q100kCustomers,
		"concentration":    q100kMonths,
		"quarterly_spend":  q100kMonths / 3,
		"segment_mix":      4,
		"customer_summary": q100kCustomers,
	}
	for name, n := range want {
		t, ok := tables[name]
		switch {
		case !ok:
			b.Errorf("no table %q", name)
		case len(t.Rows) != n:
			b.Errorf("table %q has %d rows, want %d", name, len(t.Rows), n)
		}
	}
}

// BenchmarkQueriesAndFigures100k is the whole build of the generated
// briefing: loading the workbook, copying it into SQLite, the six queries,
// the 22 figures, the chart and the page.
func BenchmarkQueriesAndFigures100k(b *testing.B) {
	fsys := openQueryBenchSite(b, queryBenchSite(b))
	echarts := echartsForTest(b)
	b.ReportAllocs()
	var res *Result
	for b.Loop() {
		var err error
		res, err = Build(fsys, Options{ECharts: echarts})
		if err != nil {
			b.Fatal(err)
		}
	}
	checkQueryBenchTables(b, res.Tables)
	page := string(res.Files["index.html"])
	if i, j := strings.Index(page, "<article>"), strings.Index(page, "<figure"); i >= 0 && j > i {
		page = page[i:j]
	}
	for _, s := range []string{"In Dec 2024 200 customers spent\n$", "The largest, Account 001,", "In Q4 2024 spend was"} {
		if !strings.Contains(page, s) {
			b.Errorf("index.html lacks %q: %s", s, page)
		}
	}
	if i, j := strings.Index(page, "<p>"), strings.Index(page, "</p>"); i >= 0 && j > i {
		b.Logf("index.html: %s", strings.Join(strings.Fields(page[i+3:j]), " "))
	}
}

// BenchmarkQueriesSQL100k is the SQL part alone, on a table loaded before
// the timed loop: copying the table into a fresh in-memory SQLite
// database (query.Open), running queries/*.sql (each result copied back
// in for the queries after it), and computing figures.toml. Its stages are
// reported as open-ms/op, queries-ms/op and figures-ms/op.
func BenchmarkQueriesSQL100k(b *testing.B) {
	fsys := openQueryBenchSite(b, queryBenchSite(b))
	loaded := loadQueryBenchTables(b, fsys)
	b.ReportAllocs()
	var open, queries, figures time.Duration
	var tables map[string]*table.Table
	var figs *figure.Set
	for b.Loop() {
		tables = make(map[string]*table.Table, len(loaded))
		for name, t := range loaded {
			tables[name] = t
		}
		t0 := time.Now()
		db, err := query.Open(tables)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := runQueries(fsys, db, tables); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if figs, err = figure.Load(fsys, db, checkFormat); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		db.Close()
		open += t1.Sub(t0)
		queries += t2.Sub(t1)
		figures += t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(open)/1e6/n, "open-ms/op")
	b.ReportMetric(float64(queries)/1e6/n, "queries-ms/op")
	b.ReportMetric(float64(figures)/1e6/n, "figures-ms/op")
	checkQueryBenchTables(b, tables)
	if got := len(figs.Names()); got != 22 {
		b.Errorf("%d figures, want 22", got)
	}
	if f, ok := figs.Get("active_customers"); !ok || f.Value.Num != q100kCustomers {
		b.Errorf("active_customers = %+v, want %d", f, q100kCustomers)
	}
}

// BenchmarkQueriesLoadWorkbook100k is the part before SQL: reading site.toml
// and loading the workbook into a typed table.
func BenchmarkQueriesLoadWorkbook100k(b *testing.B) {
	fsys := openQueryBenchSite(b, queryBenchSite(b))
	b.ReportAllocs()
	for b.Loop() {
		loadQueryBenchTables(b, fsys)
	}
}

// BenchmarkQueriesStages100k times each query on its own (running it and
// scanning its rows, then copying its result back into SQLite) and logs
// the times per query, so the queries' costs can be told apart. It opens
// the database and runs the queries as Build does, in dependency order.
func BenchmarkQueriesStages100k(b *testing.B) {
	fsys := openQueryBenchSite(b, queryBenchSite(b))
	loaded := loadQueryBenchTables(b, fsys)
	srcs, err := query.LoadSources(fsys)
	if err != nil {
		b.Fatal(err)
	}
	if srcs, err = query.Order(srcs); err != nil {
		b.Fatal(err)
	}
	per := map[string]time.Duration{}
	var addBack time.Duration
	var dbSize [2]float64 // bytes: after copying the table, after the queries
	b.ReportAllocs()
	for b.Loop() {
		tables := make(map[string]*table.Table, len(loaded))
		for name, t := range loaded {
			tables[name] = t
		}
		db, err := query.Open(tables)
		if err != nil {
			b.Fatal(err)
		}
		dbSize[0] = queryBenchDBSize(b, db)
		for _, s := range srcs {
			t0 := time.Now()
			t, err := db.Run(s)
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := db.Add(t); err != nil {
				b.Fatal(err)
			}
			per[s.Name] += t1.Sub(t0)
			addBack += time.Since(t1)
			tables[s.Name] = t
		}
		dbSize[1] = queryBenchDBSize(b, db)
		db.Close()
	}
	var lines []string
	for _, s := range srcs {
		ms := float64(per[s.Name].Microseconds()) / 1000 / float64(b.N)
		lines = append(lines, fmt.Sprintf("%s %.1f ms", s.Name, ms))
	}
	b.Logf("per query (run and scan, per op): %s; copying the results back into SQLite: %.1f ms",
		strings.Join(lines, ", "), float64(addBack.Microseconds())/1000/float64(b.N))
	b.Logf("SQLite database: %.1f MiB after copying the workbook's table in, %.1f MiB after the queries (pages held by SQLite's own allocator, which B/op does not count)",
		dbSize[0]/(1<<20), dbSize[1]/(1<<20))
}

// queryBenchDBSize is the size of the in-memory database, in bytes.
func queryBenchDBSize(b *testing.B, db *query.DB) float64 {
	b.Helper()
	t, err := db.Run(query.Source{Name: "db_size", File: "(benchmark)", Line: 1,
		SQL: "SELECT p.page_count * s.page_size FROM pragma_page_count() AS p, pragma_page_size() AS s"})
	if err != nil {
		b.Fatal(err)
	}
	if len(t.Rows) != 1 || len(t.Columns) != 1 {
		b.Fatalf("database size: %d rows, %d columns", len(t.Rows), len(t.Columns))
	}
	return t.Rows[0][0].F
}
