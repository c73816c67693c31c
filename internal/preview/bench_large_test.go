package preview

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/briefing-dev/briefing/internal/benchgen"
	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/exampletest"
)

// Benchmarks of briefing serve on bigger inputs than a text edit of the
// example (bench_test.go): a spreadsheet edit of the example, and text and
// spreadsheet edits of a generated briefing of 1,000 customers with a page
// per customer. Results are in docs/benchmarks/serve.md.
//
// Each reload benchmark reports, besides ns/op (which includes preparing
// the edit, outside the timed span):
//
//	mean-ms   from the start of the write to the reload event, mean
//	p50-ms    … median
//	worst-ms  … slowest
//	build-ms  the rebuild alone (Server.OnBuild), mean
//	builds/op rebuilds per edit (1 unless an edit triggered two)
//	cached-tables/op  tables the rebuild took from build.Cache, not the file

var largeSiteOut = flag.String("largesite", "", "TestWriteLargeSite: write the generated 1,000-customer briefing (xlsx) into this folder")

// reloadEdit is one edit: prepare (untimed) returns the bytes to write to
// file; check, given the site's server URL, reports an error when the
// reloaded site does not show the edit.
type reloadEdit struct {
	file string // relative to the site
	// rename saves as many editors do: the new bytes go to a temporary
	// file beside the old one, which is then renamed over it.
	rename  bool
	prepare func(i int) []byte
	check   func(i int, url string) error
}

// benchReload serves dir, as briefing serve does (a watcher and an open
// event stream), and times each edit from the start of its write to the
// reload event.
func benchReload(b *testing.B, dir string, ed reloadEdit) {
	srv, err := New(dir, build.Options{ECharts: echarts(b)})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Build(); err != nil {
		b.Fatal(err)
	}
	var (
		mu     sync.Mutex
		builds []time.Duration
	)
	srv.OnBuild = func(took time.Duration, err error) {
		mu.Lock()
		builds = append(builds, took)
		mu.Unlock()
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close() // first: end the event streams, or ts.Close waits for them
	stop := make(chan struct{})
	defer close(stop)
	go srv.Watch(stop)
	time.Sleep(100 * time.Millisecond) // let the watcher register its folders
	events := stream(b, ts.URL)
	path := filepath.Join(dir, ed.file)
	var times []time.Duration
	hits := srv.cacheHits()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		data := ed.prepare(i)
		drain(events)
		start := time.Now()
		if ed.rename {
			tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf("~%d.tmp", i))
			if err := os.WriteFile(tmp, data, 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				b.Fatal(err)
			}
		} else if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		if ev := next(b, events); !strings.HasPrefix(ev, "reload: ") {
			b.Fatalf("edit %d: got %q, want reload", i, ev)
		}
		times = append(times, time.Since(start))
		if ed.check != nil {
			if err := ed.check(i, ts.URL); err != nil {
				b.Fatalf("edit %d: %v", i, err)
			}
		}
	}
	b.StopTimer()
	time.Sleep(50 * time.Millisecond) // a second rebuild for the last edit would show in builds/op
	mu.Lock()
	defer mu.Unlock()
	reportTimes(b, times, builds)
	if len(times) > 0 {
		b.ReportMetric(float64(srv.cacheHits()-hits)/float64(len(times)), "cached-tables/op")
	}
}

// cacheHits reads build.Cache's counter, between builds (as TestServe
// does; the counter has no accessor).
func (s *Server) cacheHits() int { return s.cache.Hits }

// drain drops events that arrived since the last edit was seen (there
// should be none).
func drain(ch <-chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func reportTimes(b *testing.B, times, builds []time.Duration) {
	if len(times) == 0 {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var sum time.Duration
	for _, t := range times {
		sum += t
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	b.ReportMetric(ms(sum/time.Duration(len(times))), "mean-ms")
	b.ReportMetric(ms(sorted[len(sorted)/2]), "p50-ms")
	b.ReportMetric(ms(sorted[len(sorted)-1]), "worst-ms")
	var bsum time.Duration
	for _, t := range builds {
		bsum += t
	}
	if len(builds) > 0 {
		b.ReportMetric(ms(bsum/time.Duration(len(builds))), "build-ms")
	}
	b.ReportMetric(float64(len(builds))/float64(len(times)), "builds/op")
}

// xlsxEdit sets one cell of a workbook to a new number on every edit: the
// workbook is opened with excelize, changed and saved to memory (untimed);
// the timed write then puts it in place, as an editor saving over the file
// does.
func xlsxEdit(dir, file, sheet, cell string, value func(i int) float64) func(i int) []byte {
	return func(i int) []byte {
		f, err := excelize.OpenFile(filepath.Join(dir, file))
		if err != nil {
			panic(err)
		}
		defer f.Close()
		if err := f.SetCellValue(sheet, cell, value(i)); err != nil {
			panic(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			panic(err)
		}
		return bytes.Clone(buf.Bytes())
	}
}

// pageHas checks that a page of the served site contains want.
func pageHas(url, page, want string) error {
	code, body, err := fetch(url + "/" + page)
	if err != nil {
		return err
	}
	if code != 200 || !strings.Contains(body, want) {
		return fmt.Errorf("after the reload GET /%s = %d and does not hold %s", page, code, want)
	}
	return nil
}

func fetch(url string) (int, string, error) {
	resp, err := http.Get(url) // not get(): a failure here must end the loop with b.Fatalf

	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String(), err
}

// BenchmarkSpreadsheetEditToReload measures, on the example briefing, the
// time from saving data/customers.xlsx with one MonthlySpend cell changed
// (TikTok's spend in the first month, C2) to the reload event: the
// watcher's pause, the rebuild with both tables of the workbook read
// again, and the event. Each edit is checked on TikTok's page.
//
//	write   the file is written in place
//	rename  a temporary file is written and renamed over it
func BenchmarkSpreadsheetEditToReload(b *testing.B) {
	for _, rename := range []bool{false, true} {
		b.Run(map[bool]string{false: "write", true: "rename"}[rename], func(b *testing.B) {
			dir := exampletest.Copy(b, "../..")
			value := func(i int) float64 { return float64(12_000_000 + (i+1)*1000) }
			benchReload(b, dir, reloadEdit{
				file:    "data/customers.xlsx",
				rename:  rename,
				prepare: xlsxEdit(dir, "data/customers.xlsx", "MonthlySpend", "C2", value),
				check: func(i int, url string) error {
					return pageHas(url, "customer/tiktok.html", fmt.Sprintf(`{"value":%d}`, int(value(i))))
				},
			})
		})
	}
}

// ---------------------------------------------------------------------
// The generated briefing: 1,000 customers, 12 months.

const (
	largeCustomers = 1000
	largeMonths    = 12
)

// largeCustomerName is customer i's name (0-based); its page is
// customer/<lower-case name with - for spaces>.html.
func largeCustomerName(i int) string {
	prefixes := []string{"Contoso", "Fabrikam", "Tailspin", "Northwind", "Litware", "Adatum", "Proseware", "Woodgrove", "Wingtip", "Lucerne"}
	return fmt.Sprintf("%s %04d", prefixes[i%len(prefixes)], i+1)
}

func largeSlug(i int) string {
	return strings.ToLower(strings.ReplaceAll(largeCustomerName(i), " ", "-"))
}

func largeMonth(m int) string { return fmt.Sprintf("2023-%02d", m+1) }

// largeSpend is customer i's spend in month m: a long tail (the largest
// account about $20M a month, the 1,000th about $40K), growing a little
// each month, in whole dollars.
func largeSpend(i, m int) float64 {
	r := rand.New(rand.NewPCG(uint64(i), uint64(m)))
	base := 20e6 / math.Pow(float64(i+1), 0.9)
	return math.Round(base * (1 + 0.02*float64(m)) * (0.95 + 0.1*r.Float64()))
}

var (
	largeSegments = []string{"Retail", "Financial services", "Health", "Consumer internet", "Public sector", "Manufacturing"}
	largeRegions  = []string{"North America", "Europe", "Asia Pacific", "Middle East", "Latin America"}
)

// writeLargeSite writes the generated briefing into dir. With format
// "xlsx" both tables are sheets of data/customers.xlsx (as in the
// example); with "csv" they are data/customers.csv and
// data/monthly_spend.csv.
func writeLargeSite(tb testing.TB, dir, format string) {
	tb.Helper()
	writeSite(tb, dir, format, largeCustomers)
}

// writeSite writes the generated briefing with n customers.
func writeSite(tb testing.TB, dir, format string, n int) {
	tb.Helper()
	files := map[string]string{
		"figures.toml":                  largeFigures,
		"queries/monthly_totals.sql":    largeMonthlyTotals,
		"queries/customer_share.sql":    largeCustomerShare,
		"queries/customer_summary.sql":  largeCustomerSummary,
		"queries/concentration.sql":     largeConcentration,
		"charts/customer-spend.toml":    largeChartCustomerSpend,
		"charts/total-spend.toml":       largeChartTotalSpend,
		"charts/spend-by-customer.toml": largeChartSpendByCustomer,
		"charts/spend-by-segment.toml":  largeChartSpendBySegment,
		"charts/spend-by-region.toml":   largeChartSpendByRegion,
		"charts/concentration.toml":     largeChartConcentration,
		"tables/top-customers.toml":     largeTableTopCustomers,
		"tables/customer-months.toml":   largeTableCustomerMonths,
		"content/index.md":              largeIndex,
		"content/customers.md":          largeCustomersPage,
		"content/customer.md":           largeCustomerPage,
	}
	switch format {
	case "xlsx":
		files["site.toml"] = largeSiteHead + largeSiteXLSX
	case "csv":
		files["site.toml"] = largeSiteHead + largeSiteCSV
	default:
		tb.Fatalf("unknown format %q", format)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	customers := [][]any{{"Customer", "Segment", "Region", "Customer since", "Use case"}}
	for i := range n {
		since := time.Date(2015+i%8, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		customers = append(customers, []any{largeCustomerName(i), largeSegments[i%len(largeSegments)],
			largeRegions[(i/3)%len(largeRegions)], since, fmt.Sprintf("Model services for product line %d", i%37)})
	}
	spend := [][]any{{"Month", "Customer", "Monthly spend (USD)"}}
	for m := range largeMonths {
		for i := range n {
			spend = append(spend, []any{largeMonth(m), largeCustomerName(i), largeSpend(i, m)})
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		tb.Fatal(err)
	}
	switch format {
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		if err := f.SetSheetName("Sheet1", "Customers"); err != nil {
			tb.Fatal(err)
		}
		if _, err := f.NewSheet("MonthlySpend"); err != nil {
			tb.Fatal(err)
		}
		dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			tb.Fatal(err)
		}
		for sheet, rows := range map[string][][]any{"Customers": customers, "MonthlySpend": spend} {
			for r, row := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, r+1)
				if err := f.SetSheetRow(sheet, cell, &row); err != nil {
					tb.Fatal(err)
				}
			}
		}
		if err := f.SetCellStyle("Customers", "D2", fmt.Sprintf("D%d", n+1), dateStyle); err != nil {
			tb.Fatal(err)
		}
		if err := f.SaveAs(filepath.Join(dir, "data/customers.xlsx")); err != nil {
			tb.Fatal(err)
		}
	case "csv":
		if err := os.WriteFile(filepath.Join(dir, "data/customers.csv"), csvBytes(customers), 0o644); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "data/monthly_spend.csv"), csvBytes(spend), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func csvBytes(rows [][]any) []byte {
	var b bytes.Buffer
	for _, row := range rows {
		for j, v := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			switch v := v.(type) {
			case time.Time:
				b.WriteString(v.Format("2006-01-02"))
			case float64:
				fmt.Fprintf(&b, "%.0f", v)
			default:
				fmt.Fprintf(&b, "%q", fmt.Sprint(v))
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

const largeSiteHead = `title = "Large briefing"
subtitle = "1,000 customers, a page each"
period = "Data as of December 2023"
output = "output"
`

const largeSiteXLSX = `
[data.customers]
file = "data/customers.xlsx"
sheet = "Customers"
[data.customers.columns]
customer_since = "date"

[data.monthly_spend]
file = "data/customers.xlsx"
sheet = "MonthlySpend"
[data.monthly_spend.columns]
month = "month"
monthly_spend_usd = "money"
`

const largeSiteCSV = `
[data.customers]
file = "data/customers.csv"
[data.customers.columns]
customer_since = "date"

[data.monthly_spend]
file = "data/monthly_spend.csv"
[data.monthly_spend.columns]
month = "month"
monthly_spend_usd = "money"
`

const largeFigures = `[latest_month]
sql = "SELECT MAX(month) FROM monthly_spend"

[first_month]
sql = "SELECT MIN(month) FROM monthly_spend"

[total_spend]
sql = "SELECT total_spend_usd FROM monthly_totals ORDER BY month DESC LIMIT 1"

[first_total_spend]
sql = "SELECT total_spend_usd FROM monthly_totals ORDER BY month LIMIT 1"

[total_growth]
expr = "total_spend / first_total_spend - 1"
format = "change"

[run_rate]
expr = "total_spend * 12"

[customer_count]
sql = "SELECT COUNT(*) FROM customers"
format = "integer"

[top1_share]
sql = "SELECT top1_share FROM concentration ORDER BY month DESC LIMIT 1"

[top5_share]
sql = "SELECT top5_share FROM concentration ORDER BY month DESC LIMIT 1"

[hhi]
sql = "SELECT hhi FROM concentration ORDER BY month DESC LIMIT 1"
format = "integer"
`

const largeMonthlyTotals = `-- total_spend_usd: money
-- run_rate_usd: money
SELECT month,
       SUM(monthly_spend_usd)      AS total_spend_usd,
       SUM(monthly_spend_usd) * 12 AS run_rate_usd
FROM monthly_spend
GROUP BY month
ORDER BY month
`

const largeCustomerShare = `-- share: percent
SELECT s.month,
       s.customer,
       c.segment,
       c.region,
       s.monthly_spend_usd,
       s.monthly_spend_usd / t.total_spend_usd AS share,
       RANK() OVER (PARTITION BY s.month ORDER BY s.monthly_spend_usd DESC) AS rank
FROM monthly_spend AS s
JOIN customers AS c USING (customer)
JOIN monthly_totals AS t USING (month)
ORDER BY s.month, s.monthly_spend_usd DESC
`

const largeCustomerSummary = `-- first_month: month
-- first_spend_usd: money
-- latest_spend_usd: money
-- growth_since_first: percent
SELECT c.customer,
       c.segment,
       c.region,
       c.customer_since,
       c.use_case,
       f.month               AS first_month,
       f.monthly_spend_usd   AS first_spend_usd,
       l.monthly_spend_usd   AS latest_spend_usd,
       l.share,
       l.rank,
       l.monthly_spend_usd / f.monthly_spend_usd - 1 AS growth_since_first
FROM customers AS c
JOIN customer_share AS l ON l.customer = c.customer
     AND l.month = (SELECT MAX(month) FROM monthly_spend)
JOIN customer_share AS f ON f.customer = c.customer
     AND f.month = (SELECT MIN(month) FROM monthly_spend)
ORDER BY l.monthly_spend_usd DESC
`

const largeConcentration = `-- top1_share: percent
-- top5_share: percent
-- hhi: number
SELECT month,
       MAX(CASE WHEN rank = 1 THEN share END)         AS top1_share,
       SUM(CASE WHEN rank <= 5 THEN share ELSE 0 END) AS top5_share,
       SUM(share * share * 10000)                     AS hhi
FROM customer_share
GROUP BY month
ORDER BY month
`

const largeChartCustomerSpend = `type = "bar"
table = "monthly_spend"
each = "customer"
title = "Monthly spend"
source = "Generated data."
x = "month"
y = "monthly_spend_usd"
height = 260
`

const largeChartTotalSpend = `type = "line"
table = "monthly_totals"
title = "Total monthly spend and annual run-rate"
source = "Generated data."
x = "month"

[[series]]
name = "Monthly spend"
y = "total_spend_usd"

[[series]]
name = "Annual run-rate"
y = "run_rate_usd"
axis = "right"
`

const largeChartSpendByCustomer = `type = "bar"
table = "monthly_spend"
title = "Monthly spend by customer"
subtitle = "Five largest accounts; the rest folded into Other"
source = "Generated data."
x = "month"
y = "monthly_spend_usd"
split = "customer"
stack = true
top = 5
height = 380
`

const largeChartSpendBySegment = `type = "bar"
table = "monthly_spend"
title = "Monthly spend by segment, latest month"
source = "Generated data."
latest = "month"
join = { table = "customers", on = "customer" }
x = "segment"
y = "monthly_spend_usd"
sort = "desc"
horizontal = true
height = 320
`

const largeChartSpendByRegion = `type = "pie"
table = "monthly_spend"
title = "Monthly spend by region, latest month"
source = "Generated data."
latest = "month"
join = { table = "customers", on = "customer" }
x = "region"
y = "monthly_spend_usd"
sort = "desc"
`

const largeChartConcentration = `type = "line"
table = "concentration"
title = "Concentration over time"
source = "Generated data."
x = "month"

[[series]]
name = "Largest account"
y = "top1_share"

[[series]]
name = "Five largest accounts"
y = "top5_share"

[[series]]
name = "HHI"
y = "hhi"
axis = "right"
format = "integer"
`

const largeTableTopCustomers = `source = "customer_summary"
caption = "Largest accounts, latest month"
columns = ["customer", "segment", "latest_spend_usd", "share", "growth_since_first"]
sort = "latest_spend_usd desc"
limit = 10
totals = ["latest_spend_usd", "share"]
highlight = "share > 10%"
[formats]
growth_since_first = "change"
`

const largeTableCustomerMonths = `source = "customer_share"
each = "customer"
columns = ["month", "monthly_spend_usd", "share", "rank"]
[formats]
rank = "ordinal"
share = "percent:2"
`

const largeIndex = `+++
title = "Overview"
order = 1
description = "{{fig customer_count}} customers; {{fig total_spend}} in {{fig latest_month}}."
+++

## The short version

The business took in **{{fig total_spend}}** in {{fig latest_month}}, an
annual run-rate of **{{fig run_rate}}**, from {{fig customer_count}}
customers. The largest account is {{fig top1_share}} of it, the five
largest {{fig top5_share}}; concentration is
{{if hhi < 1500 then "low" else "high"}} (HHI {{fig hhi}}).

{{chart spend-by-customer}}

## How big, how fast

Total spend grew {{fig total_growth}} between {{fig first_month}} and
{{fig latest_month}}.

{{chart total-spend}}

{{table top-customers}}

{{chart concentration}}

## Every customer

{{pages customer}}
`

const largeCustomersPage = `+++
title = "Segments and regions"
order = 2
+++

Spend in {{fig latest_month}} by segment and by region.

{{chart spend-by-segment}}

{{chart spend-by-region}}
`

const largeCustomerPage = `+++
title = "{{row customer}}"
each = "customer_summary"
slug = "customer"
description = "{{row segment}}, {{row region}}: {{row latest_spend_usd}} a month in {{fig latest_month}}."
+++

**{{row customer}}** ranks {{row rank ordinal}} of {{fig customer_count}},
with {{row share percent:2}} of all spend in {{fig latest_month}}
({{fig total_spend}}): {{row latest_spend_usd}} a month,
{{row growth_since_first change}} since {{row first_month}}. A customer since
{{row customer_since}}; it uses the models for: {{row use_case}}.
{{if row.share > 5% then "On its own it is a concentration risk." else ""}}

{{chart customer-spend}}

{{table customer-months}}

[Overview](../index.md)
`

// largeSite generates the briefing in a temporary folder.
func largeSite(b *testing.B, format string) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "site")
	writeLargeSite(b, dir, format)
	return dir
}

// TestWriteLargeSite writes the generated briefing for whole-process
// measurements (briefing build on it): go test ./internal/preview -run
// TestWriteLargeSite -largesite DIR.
func TestWriteLargeSite(t *testing.T) {
	if *largeSiteOut == "" {
		t.Skip("no -largesite DIR")
	}
	writeLargeSite(t, *largeSiteOut, "xlsx")
}

// TestLargeSiteBuilds checks that the generated briefing builds into the
// pages the benchmarks expect.
func TestLargeSiteBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 pages")
	}
	for _, format := range []string{"xlsx", "csv"} {
		dir := filepath.Join(t.TempDir(), format)
		writeLargeSite(t, dir, format)
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := build.Build(root.FS(), build.Options{ECharts: echarts(t)})
		root.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range res.Warnings {
			t.Errorf("%s: warning: %v", format, w)
		}
		if res.RowPages != largeCustomers || res.Pages != 2 {
			t.Errorf("%s: %d pages and %d per row, want 2 and %d", format, res.Pages, res.RowPages, largeCustomers)
		}
		page := string(res.Files["customer/"+largeSlug(0)+".html"])
		if want := fmt.Sprintf(`{"value":%.0f}`, largeSpend(0, 0)); !strings.Contains(page, want) {
			t.Errorf("%s: the first customer's page does not hold %s", format, want)
		}
		if index := string(res.Files["index.html"]); strings.Count(index, `href="customer/`) != largeCustomers {
			t.Errorf("%s: index lists %d customer pages, want %d", format, strings.Count(index, `href="customer/`), largeCustomers)
		}
	}
}

// BenchmarkLargeEditToReload is BenchmarkEditToReload on the generated
// briefing: a text edit in content/index.md, 1,002 pages rebuilt.
func BenchmarkLargeEditToReload(b *testing.B) {
	dir := largeSite(b, "xlsx")
	index := filepath.Join(dir, "content/index.md")
	src, err := os.ReadFile(index)
	if err != nil {
		b.Fatal(err)
	}
	heading := func(i int) string { return fmt.Sprintf("How big, how fast (%d)", i) }
	benchReload(b, dir, reloadEdit{
		file: "content/index.md",
		prepare: func(i int) []byte {
			return []byte(strings.Replace(string(src), "## How big, how fast", "## "+heading(i), 1))
		},
		check: func(i int, url string) error { return pageHas(url, "index.html", heading(i)) },
	})
}

// BenchmarkLargeSpreadsheetEditToReload changes the first month's spend of
// the largest customer in the generated briefing's data: in
// data/customers.xlsx (MonthlySpend!C2, saved by excelize), or in
// data/monthly_spend.csv (the same value, line 2). Each edit is checked on
// that customer's page.
func BenchmarkLargeSpreadsheetEditToReload(b *testing.B) {
	value := func(i int) float64 { return largeSpend(0, 0) + float64((i+1)*1000) }
	check := func(i int, url string) error {
		return pageHas(url, "customer/"+largeSlug(0)+".html", fmt.Sprintf(`{"value":%.0f}`, value(i)))
	}
	b.Run("xlsx", func(b *testing.B) {
		dir := largeSite(b, "xlsx")
		benchReload(b, dir, reloadEdit{
			file:    "data/customers.xlsx",
			prepare: xlsxEdit(dir, "data/customers.xlsx", "MonthlySpend", "C2", value),
			check:   check,
		})
	})
	b.Run("csv", func(b *testing.B) {
		dir := largeSite(b, "csv")
		src, err := os.ReadFile(filepath.Join(dir, "data/monthly_spend.csv"))
		if err != nil {
			b.Fatal(err)
		}
		old := fmt.Sprintf("%q,%q,%.0f\n", largeMonth(0), largeCustomerName(0), largeSpend(0, 0))
		if !bytes.Contains(src, []byte(old)) {
			b.Fatalf("monthly_spend.csv has no line %q", old)
		}
		benchReload(b, dir, reloadEdit{
			file: "data/monthly_spend.csv",
			prepare: func(i int) []byte {
				now := fmt.Sprintf("%q,%q,%.0f\n", largeMonth(0), largeCustomerName(0), value(i))
				return bytes.Replace(src, []byte(old), []byte(now), 1)
			},
			check: check,
		})
	})
}

// BenchmarkLargeBuild is a cold build of the generated briefing (xlsx): no
// cache, every table read, 1,002 pages rendered into memory.
//
//	memory  build.Build with build.Options{ECharts: …}, as serve does
//	write   … and build.Write to a folder, as briefing build does without charts
//	static  … with every chart also drawn as SVG (package chartimage), as
//	        briefing build --no-cache does (1,005 charts; run with -benchtime 1x)
func BenchmarkLargeBuild(b *testing.B) {
	dir := largeSite(b, "xlsx")
	ec := echarts(b)
	run := func(b *testing.B, opt build.Options, out string) {
		b.ReportAllocs()
		for b.Loop() {
			root, err := os.OpenRoot(dir)
			if err != nil {
				b.Fatal(err)
			}
			res, err := build.Build(root.FS(), opt)
			root.Close()
			if err != nil {
				b.Fatal(err)
			}
			if res.RowPages != largeCustomers {
				b.Fatalf("%d pages per row, want %d", res.RowPages, largeCustomers)
			}
			if out != "" {
				if err := build.Write(out, res.Files); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, build.Options{ECharts: ec}, "") })
	b.Run("write", func(b *testing.B) {
		run(b, build.Options{ECharts: ec}, filepath.Join(b.TempDir(), "output"))
	})
	b.Run("static", func(b *testing.B) {
		// A new image service per build, without a cache, as a briefing
		// build --no-cache process makes one.
		var svgs int64
		b.ReportAllocs()
		for b.Loop() {
			svc := chartimage.New(chartimage.Options{Off: true, Workers: runtime.NumCPU()})
			root, err := os.OpenRoot(dir)
			if err != nil {
				b.Fatal(err)
			}
			_, err = build.Build(root.FS(), build.Options{ECharts: ec, Images: svc})
			root.Close()
			svc.Close()
			if err != nil {
				b.Fatal(err)
			}
			svgs += svc.Stats().Drawn
		}
		b.ReportMetric(float64(svgs)/float64(b.N), "svgs/op")
	})
}

// BenchmarkRowPagesScaling is BenchmarkLargeBuild/memory for 250 to
// 2,000 customers (12 months each, a page each): how the build grows with
// the number of pages made per row.
func BenchmarkRowPagesScaling(b *testing.B) {
	ec := echarts(b)
	for _, n := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "site")
			writeSite(b, dir, "xlsx", n)
			for b.Loop() {
				root, err := os.OpenRoot(dir)
				if err != nil {
					b.Fatal(err)
				}
				res, err := build.Build(root.FS(), build.Options{ECharts: ec})
				root.Close()
				if err != nil {
					b.Fatal(err)
				}
				if res.RowPages != n {
					b.Fatalf("%d pages per row, want %d", res.RowPages, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(n), "ms/page")
		})
	}
}

// BenchmarkPagesEditToReload is a text edit of one page of the generated
// briefing of 1,000 content pages (benchgen.Pages, as docs/benchmarks/run.sh
// builds): the page's first paragraph changes, 1,002 pages are rebuilt.
func BenchmarkPagesEditToReload(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "site")
	if err := benchgen.Write(dir, benchgen.Pages(1000)); err != nil {
		b.Fatal(err)
	}
	name := "content/" + benchgen.PagePath(499)
	src, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	out := strings.TrimSuffix(strings.TrimPrefix(name, "content/"), ".md") + ".html"
	mark := func(i int) string { return fmt.Sprintf("Edited %d.", i) }
	benchReload(b, dir, reloadEdit{
		file: name,
		prepare: func(i int) []byte {
			head, body, _ := strings.Cut(string(src), "+++\n\n")
			return []byte(head + "+++\n\n" + mark(i) + " " + body)
		},
		check: func(i int, url string) error { return pageHas(url, out, mark(i)) },
	})
}
