// Package benchgen writes the generated briefings the benchmarks build
// (docs/benchmarks/scale.md): the same input on every run and every
// machine, from nothing but the size asked for.
//
// Pages(n) is a briefing of n content pages of about 600 words each (a
// heading, four paragraphs, an 8-item list and a 20-row table) in a
// three-level tree: content/part-PP/group-GG/page-NNNNN.md, 100 pages a
// group and 10 groups a part, plus a home page and one page that reads a
// 1,000-row CSV file into a table and a chart. HugoPages(n) is the same
// corpus as a Hugo site (the same markdown, the CSV read by a shortcode),
// so that the two are compared on identical content. Rows(n) is a
// briefing with a page per row of an n-row table, one chart each.
//
// Each returns the files as slash-separated path → content; Write puts
// them in a folder.
package benchgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files is a generated site: slash-separated path → content.
type Files map[string][]byte

// Write writes files under dir, creating folders as needed.
func Write(dir string, files Files) error {
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

const (
	perGroup = 100 // pages in a group (the third level)
	perPart  = 10  // groups in a part (the second level)
	csvRows  = 1000
)

// PagePath is where Pages puts page i (0-based) under content/.
func PagePath(i int) string {
	return fmt.Sprintf("part-%02d/group-%02d/page-%05d.md", i/(perGroup*perPart)+1, i/perGroup%perPart+1, i+1)
}

// Pages returns a briefing of n generated pages; see the package comment.
func Pages(n int) Files {
	f := Files{
		"site.toml": []byte(`title = "Generated briefing"
language = "en"
currency = "USD"

[data.sales]
file = "data/sales.csv"
[data.sales.columns]
day = "date"
units = "number"
revenue = "money"
`),
		"data/sales.csv":      salesCSV(),
		"tables/sales.toml":   []byte("source = \"sales\"\ncaption = \"Daily sales\"\ncolumns = [\"day\", \"region\", \"units\", \"revenue\"]\n"),
		"charts/revenue.toml": []byte("type = \"line\"\ntable = \"sales\"\ntitle = \"Revenue by day\"\nsource = \"Generated\"\nx = \"day\"\ny = \"revenue\"\n"),
		"content/index.md":    []byte(front("Generated briefing", 1) + "A generated briefing for benchmarks. See [the sales data](data.md).\n"),
		"content/data.md":     []byte(front("Sales data", 2) + "A thousand days of sales.\n\n{{chart revenue}}\n\n{{table sales}}\n"),
	}
	for i := range n {
		f["content/"+PagePath(i)] = []byte(front(pageTitle(i), 3) + pageBody(i))
	}
	return f
}

// HugoPages returns the corpus of Pages(n) as a Hugo site.
func HugoPages(n int) Files {
	f := Files{
		"hugo.toml": []byte(`baseURL = "/"
title = "Generated briefing"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
relativeURLs = true
pluralizeListTitles = false
[markup.goldmark.renderer]
unsafe = false
`),
		"assets/sales.csv":               salesCSV(),
		"layouts/baseof.html":            []byte(hugoBase),
		"layouts/single.html":            []byte(`{{define "main"}}<article><h1>{{.Title}}</h1>{{.Content}}</article>{{end}}`),
		"layouts/list.html":              []byte(hugoList),
		"layouts/home.html":              []byte(hugoList),
		"layouts/_shortcodes/sales.html": []byte(hugoSales),
		"content/_index.md":              []byte(hugoFront("Generated briefing", 1) + "A generated briefing for benchmarks. See [the sales data](data/).\n"),
		"content/data.md":                []byte(hugoFront("Sales data", 2) + "A thousand days of sales.\n\n{{< sales >}}\n"),
	}
	for i := range n {
		f["content/"+PagePath(i)] = []byte(hugoFront(pageTitle(i), 3) + pageBody(i))
	}
	return f
}

const hugoBase = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} · {{site.Title}}</title></head>
<body>
<header><p><a href="{{site.Home.RelPermalink}}">{{site.Title}}</a></p>
<nav><ul>{{range site.Home.Pages}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ul></nav>
{{with .Ancestors.Reverse}}<nav><ol>{{range .}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ol></nav>{{end}}
</header>
<main>{{block "main" .}}{{end}}</main>
</body>
</html>
`

const hugoList = `{{define "main"}}<article><h1>{{.Title}}</h1>{{.Content}}<ul>{{range .Pages}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ul></article>{{end}}`

const hugoSales = `{{$rows := resources.Get "sales.csv" | transform.Unmarshal}}
<figure><div class="chart" data-option="{{$rows | jsonify}}"></div><figcaption>Revenue by day</figcaption></figure>
<table><thead><tr>{{range index $rows 0}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range after 1 $rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>
`

// Rows returns a briefing with one page per row of an n-row table, each
// placing a bar chart of that row's twelve months.
func Rows(n int) Files {
	return Files{
		"site.toml": []byte(`title = "Generated rows"
language = "en"
currency = "USD"

[data.items]
file = "data/items.csv"
[data.item_months]
file = "data/item_months.csv"
[data.item_months.columns]
month = "month"
value = "money"
`),
		"data/items.csv":         itemsCSV(n),
		"data/item_months.csv":   itemMonthsCSV(n, -1),
		"charts/item-trend.toml": []byte("type = \"bar\"\ntable = \"item_months\"\neach = \"item\"\ntitle = \"Monthly value\"\nsource = \"Generated\"\nx = \"month\"\ny = \"value\"\nheight = 260\n"),
		"content/index.md":       []byte(front("Generated rows", 1) + "One page per item:\n\n{{pages item}}\n"),
		"content/item.md":        []byte("+++\ntitle = \"{{row item}}\"\neach = \"items\"\nslug = \"item\"\n+++\n**{{row item}}** sells in {{row region}}.\n\n{{chart item-trend}}\n"),
	}
}

// EditRow returns data/item_months.csv of Rows(n) with one month of row
// changed, as an analyst's edit of one row's data.
func EditRow(n, row int) []byte { return itemMonthsCSV(n, row) }

// ItemName is the name (and slug) of row i of Rows.
func ItemName(i int) string { return fmt.Sprintf("item-%05d", i+1) }

func itemsCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("item,region\n")
	for i := range n {
		fmt.Fprintf(&b, "%s,%s\n", ItemName(i), regions[i%len(regions)])
	}
	return []byte(b.String())
}

func itemMonthsCSV(n, edited int) []byte {
	var b strings.Builder
	b.WriteString("item,month,value\n")
	for i := range n {
		for m := range 12 {
			v := 1000 + (i*37+m*101)%9000
			if i == edited && m == 11 {
				v += 1
			}
			fmt.Fprintf(&b, "%s,2024-%02d,%d\n", ItemName(i), m+1, v)
		}
	}
	return []byte(b.String())
}

var regions = []string{"North", "South", "East", "West"}

func salesCSV() []byte {
	var b strings.Builder
	b.WriteString("day,region,units,revenue\n")
	for i := range csvRows {
		day := time.Date(2022, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		fmt.Fprintf(&b, "%s,%s,%d,%d\n", day, regions[i%len(regions)], 10+(i*7)%90, 1000+(i*7919)%50000)
	}
	return []byte(b.String())
}

func front(title string, order int) string {
	s := "+++\ntitle = \"" + title + "\"\n"
	if order != 0 {
		s += fmt.Sprintf("order = %d\n", order)
	}
	return s + "+++\n"
}

func hugoFront(title string, weight int) string {
	s := "+++\ntitle = \"" + title + "\"\n"
	if weight != 0 {
		s += fmt.Sprintf("weight = %d\n", weight)
	}
	return s + "+++\n"
}

func pageTitle(i int) string { return fmt.Sprintf("Page %d", i+1) }

// pageBody is about 600 words: a heading, four paragraphs, an 8-item list
// and a 20-row table, different for every page.
func pageBody(i int) string {
	r := rng(uint64(i)*2654435761 + 1)
	var b strings.Builder
	fmt.Fprintf(&b, "\n## %s\n\n", r.sentence(4))
	for range 4 {
		for range 6 {
			b.WriteString(r.sentence(18))
			b.WriteByte(' ')
		}
		b.WriteString("\n\n")
	}
	for range 8 {
		fmt.Fprintf(&b, "- %s\n", r.sentence(7))
	}
	b.WriteString("\n| Item | Region | Units | Note |\n|---|---|---:|---|\n")
	for row := range 20 {
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", r.word(), regions[row%len(regions)], r.next()%1000, r.word())
	}
	return b.String()
}

// rng is a small deterministic generator (xorshift), so pages are the
// same on every run.
type rng uint64

func (r *rng) next() int {
	x := uint64(*r)
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	*r = rng(x)
	return int(x >> 1)
}

func (r *rng) word() string { return words[r.next()%len(words)] }

func (r *rng) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = r.word()
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

var words = strings.Fields(`revenue customer quarter growth market share account model cloud
service contract region forecast margin pipeline renewal enterprise partner
product subscription demand capacity spend budget risk outlook segment team
launch pricing discount usage volume trend signal report review target plan
strategy channel direct reseller compute storage network latency training
inference workload migration adoption retention churn expansion upsell board
analyst investor guidance estimate consensus result operating income cost
expense headcount hiring supplier vendor order backlog delivery schedule
quality support incident outage recovery security compliance audit policy`)
