package tableview

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// shareCSV is the source table. Line 5 (Contoso) has no spend and no share.
const shareCSV = `month,customer,monthly_spend_usd,share,note
2022-02,TikTok,19000000,0.25,big
2022-03,TikTok,20000000,0.241,big
2022-03,Walmart,5000000,0.06,
2022-03,Contoso,,,new
2022-03,Intuit,3000000,0.036,
`

func loadTables(t *testing.T) map[string]*table.Table {
	t.Helper()
	fsys := fstest.MapFS{
		"data/share.csv":    {Data: []byte(shareCSV)},
		"data/quarters.csv": {Data: []byte("quarter,growth\n2024-Q2,0.29\n")},
	}
	share, err := table.Load(fsys, table.Spec{Name: "share", File: "data/share.csv", Columns: map[string]table.Kind{
		"month": table.Month, "monthly_spend_usd": table.Money, "share": table.Percent,
	}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	quarters, err := table.Load(fsys, table.Spec{Name: "quarters", File: "data/quarters.csv", Columns: map[string]table.Kind{
		"quarter": table.Quarter, "growth": table.Percent,
	}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*table.Table{"share": share, "quarters": quarters}
}

func parse(t *testing.T, file, src string) *Spec {
	t.Helper()
	s, err := ParseSpec(file, []byte(src))
	if err != nil {
		t.Fatalf("ParseSpec(%s): %v", file, err)
	}
	return s
}

// rowsText flattens a view's body: one string per row, cells joined by |,
// and a * in front of a highlighted row.
func rowsText(v *View) []string {
	var out []string
	for _, r := range v.Rows {
		var cells []string
		for _, c := range r.Cells {
			cells = append(cells, c.Text)
		}
		s := strings.Join(cells, "|")
		if r.Highlight {
			s = "*" + s
		}
		out = append(out, s)
	}
	return out
}

func cellsText(cells []Cell) string {
	var out []string
	for _, c := range cells {
		t := c.Text
		if c.Numeric {
			t += ">" // right-aligned
		}
		out = append(out, t)
	}
	return strings.Join(out, "|")
}

func TestBuildFull(t *testing.T) {
	s := parse(t, "tables/top.toml", `source = "share"
caption = "Largest customers"
note = "Illustrative"
columns = ["customer", "monthly_spend_usd", "share"]
where = 'month == "2022-03"'
sort = "monthly_spend_usd desc"
limit = 3
totals = ["monthly_spend_usd", "share"]
highlight = "share > 20%"

[headers]
customer = "Customer"
`)
	if s.Name() != "top" {
		t.Errorf("Name() = %q, want top", s.Name())
	}
	v, err := Build(s, loadTables(t), format.Default, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "top" || v.Caption != "Largest customers" || v.Note != "Illustrative" {
		t.Errorf("view %q, caption %q, note %q", v.Name, v.Caption, v.Note)
	}
	if got, want := cellsText(v.Header), "Customer|Monthly spend (USD)>|Share>"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	// March only, by spend, largest first, the empty one last and cut by
	// the limit; percentages with one decimal.
	want := []string{"*TikTok|$20M|24.1%", "Walmart|$5M|6.0%", "Intuit|$3M|3.6%"}
	if got := rowsText(v); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	for _, r := range v.Rows {
		if r.Cells[0].Numeric || !r.Cells[1].Numeric || !r.Cells[2].Numeric {
			t.Errorf("row %v: text left, numbers right", r.Cells)
		}
	}
	// Totals of the rows shown: 20M+5M+3M, 24.1%+6%+3.6%.
	if got, want := cellsText(v.Totals), "Total|$28M>|33.7%>"; got != want {
		t.Errorf("totals %q, want %q", got, want)
	}
}

func TestBuild(t *testing.T) {
	de, err := format.New(format.Options{Locale: "de-DE", Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		toml   string
		fm     *format.Formatter
		row    func(string) (string, bool)
		header string
		rows   []string
		totals string
	}{
		{
			name:   "every column, default formats, in table order",
			toml:   `source = "share"`,
			header: "Month|Customer|Monthly spend (USD)>|Share>|Note",
			rows: []string{
				"Feb 2022|TikTok|$19M|25.0%|big",
				"Mar 2022|TikTok|$20M|24.1%|big",
				"Mar 2022|Walmart|$5M|6.0%|",
				"Mar 2022|Contoso|||new",
				"Mar 2022|Intuit|$3M|3.6%|",
			},
		},
		{
			name: "named formats",
			toml: `source = "share"
columns = ["month", "monthly_spend_usd", "share"]
limit = 1
[formats]
month = "text"
monthly_spend_usd = "money_full"
share = "percent:0"
`,
			header: "Month|Monthly spend (USD)>|Share>",
			rows:   []string{"2022-02|$19,000,000|25%"},
		},
		{
			name: "change and pp get one decimal too; number does not",
			toml: `source = "share"
columns = ["share", "monthly_spend_usd"]
limit = 2
[formats]
share = "change"
monthly_spend_usd = "number"
`,
			header: "Share>|Monthly spend (USD)>",
			rows:   []string{"+25.0%|19,000,000", "+24.1%|20,000,000"},
		},
		{
			name:   "locale",
			toml:   "source = \"share\"\ncolumns = [\"monthly_spend_usd\", \"share\"]\nwhere = 'customer == \"TikTok\"'\ntotals = [\"monthly_spend_usd\", \"share\"]\n[formats]\nmonthly_spend_usd = \"money_full\"\n",
			fm:     de,
			header: "Monthly spend (USD)>|Share>",
			rows:   []string{"€19.000.000|25,0%", "€20.000.000|24,1%"},
			totals: "€39.000.000>|49,1%>", // the first column's total takes the place of "Total"
		},
		{
			name:   "sort ascending, empty last",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"share\"]\nsort = \"share\"\n",
			header: "Customer|Share>",
			rows:   []string{"Intuit|3.6%", "Walmart|6.0%", "TikTok|24.1%", "TikTok|25.0%", "Contoso|"},
		},
		{
			name:   "sort descending, empty last",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"share\"]\nsort = \"share DESC\"\n",
			header: "Customer|Share>",
			rows:   []string{"TikTok|25.0%", "TikTok|24.1%", "Walmart|6.0%", "Intuit|3.6%", "Contoso|"},
		},
		{
			name:   "sort text descending, stable",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"month\"]\nsort = \"customer desc\"\n",
			header: "Customer|Month",
			rows:   []string{"Walmart|Mar 2022", "TikTok|Feb 2022", "TikTok|Mar 2022", "Intuit|Mar 2022", "Contoso|Mar 2022"},
		},
		{
			name:   "sort text ascending with empty cells",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"note\"]\nsort = \"note asc\"\n",
			header: "Customer|Note",
			rows:   []string{"TikTok|big", "TikTok|big", "Contoso|new", "Walmart|", "Intuit|"},
		},
		{
			name:   "sort months descending",
			toml:   "source = \"share\"\ncolumns = [\"month\", \"customer\"]\nsort = \"month desc\"\nlimit = 2\n",
			header: "Month|Customer",
			rows:   []string{"Mar 2022|TikTok", "Mar 2022|Walmart"},
		},
		{
			name:   "where on text and numbers",
			toml:   "source = \"share\"\ncolumns = [\"month\"]\nwhere = 'customer == \"TikTok\" and monthly_spend_usd >= 20e6'\n",
			header: "Month",
			rows:   []string{"Mar 2022"},
		},
		{
			name:   "where on months as text",
			toml:   "source = \"share\"\ncolumns = [\"customer\"]\nwhere = 'month < \"2022-03\"'\n",
			header: "Customer",
			rows:   []string{"TikTok"},
		},
		{
			name:   "where keeps nothing",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"share\"]\nwhere = 'month == \"2021-01\"'\ntotals = [\"share\"]\n",
			header: "Customer|Share>",
			rows:   nil,
			totals: "Total|",
		},
		{
			name:   "highlight on text",
			toml:   "source = \"share\"\ncolumns = [\"customer\"]\nwhere = 'month == \"2022-03\"'\nhighlight = 'customer == \"Walmart\" or customer == \"Intuit\"'\n",
			header: "Customer",
			rows:   []string{"TikTok", "*Walmart", "Contoso", "*Intuit"},
		},
		{
			name:   "totals skip empty cells",
			toml:   "source = \"share\"\ncolumns = [\"customer\", \"monthly_spend_usd\"]\nwhere = 'month == \"2022-03\"'\ntotals = [\"monthly_spend_usd\"]\n",
			header: "Customer|Monthly spend (USD)>",
			rows:   []string{"TikTok|$20M", "Walmart|$5M", "Contoso|", "Intuit|$3M"},
			totals: "Total|$28M>",
		},
		{
			name:   "totals on the first column replace the label",
			toml:   "source = \"share\"\ncolumns = [\"monthly_spend_usd\"]\nwhere = 'customer == \"TikTok\"'\ntotals = [\"monthly_spend_usd\"]\n",
			header: "Monthly spend (USD)>",
			rows:   []string{"$19M", "$20M"},
			totals: "$39M>",
		},
		{
			name: "each: this page's rows only",
			toml: "source = \"share\"\ncolumns = [\"month\", \"monthly_spend_usd\"]\neach = \"customer\"\n",
			row: func(col string) (string, bool) {
				return map[string]string{"customer": "TikTok"}[col], col == "customer"
			},
			header: "Month|Monthly spend (USD)>",
			rows:   []string{"Feb 2022|$19M", "Mar 2022|$20M"},
		},
		{
			name:   "each on a month, matched by its canonical text",
			toml:   "source = \"share\"\ncolumns = [\"customer\"]\neach = \"month\"\nlimit = 2\n",
			row:    func(col string) (string, bool) { return "2022-03", col == "month" },
			header: "Customer",
			rows:   []string{"TikTok", "Walmart"},
		},
		{
			name:   "quarters",
			toml:   "source = \"quarters\"\n[headers]\ngrowth = \"Cloud growth\"\n",
			header: "Quarter|Cloud growth>",
			rows:   []string{"Q2 2024|29.0%"},
		},
	}
	for _, tt := range tests {
		s := parse(t, "tables/t.toml", tt.toml)
		fm := tt.fm
		if fm == nil {
			fm = format.Default
		}
		v, err := Build(s, loadTables(t), fm, tt.row)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := cellsText(v.Header); got != tt.header {
			t.Errorf("%s: header %q, want %q", tt.name, got, tt.header)
		}
		if got := rowsText(v); !reflect.DeepEqual(got, tt.rows) {
			t.Errorf("%s: rows\n  %q\nwant\n  %q", tt.name, got, tt.rows)
		}
		if got := cellsText(v.Totals); got != tt.totals {
			t.Errorf("%s: totals %q, want %q", tt.name, got, tt.totals)
		}
	}
}

// TestErrors checks that every mistake is an error in the table file at
// the key or value at fault (col counts bytes from 1; an expression error
// points into the string), or, for a missing value, at the data cell.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		toml string
		row  func(string) (string, bool)
		want string // the whole message
	}{
		{"unknown source",
			"source = \"shares\"\n",
			nil, `tables/t.toml:1:10: table "t": unknown source "shares" (tables and queries: quarters, share)`},
		{"unknown column",
			"source = \"share\"\ncolumns = [\"customer\", \"spend\"]\n",
			nil, `tables/t.toml:2:24: table "t": unknown column "spend" in "share" (columns: month, customer, monthly_spend_usd, share, note)`},
		{"unknown column in headers",
			"source = \"share\"\n\n[headers]\ncustomer = \"Customer\"\ncustomr = \"Who\"\n",
			nil, `tables/t.toml:5:1: table "t": unknown column "customr" in "share"`},
		{"unknown column in formats",
			"source = \"share\"\n[formats]\nshares = \"percent\"\n",
			nil, `tables/t.toml:3:1: table "t": unknown column "shares" in "share"`},
		{"format that does not fit",
			"source = \"share\"\n[formats]\nmonth = \"money\"\n",
			nil, `tables/t.toml:3:9: table "t": column "month": format money does not fit a month value`},
		{"number shown as a date",
			"source = \"share\"\n[formats]\nshare = \"date\"\n",
			nil, `tables/t.toml:3:9: table "t": column "share": format date does not fit a percent value`},
		{"unknown sort column",
			"source = \"share\"\nsort = \"spend desc\"\n",
			nil, `tables/t.toml:2:8: table "t": unknown column "spend" in "share"`},
		{"bad sort",
			"source = \"share\"\nsort = \"share sideways\"\n",
			nil, `tables/t.toml:2:8: table "t": sort "share sideways": want COLUMN, COLUMN asc or COLUMN desc`},
		{"sort with three words",
			"source = \"share\"\nsort = \"share desc now\"\n",
			nil, `tables/t.toml:2:8: table "t": sort "share desc now"`},
		{"where: unknown name",
			"source = \"share\"\nwhere = 'custmer == \"TikTok\"'\n",
			nil, `tables/t.toml:2:10: table "t": unknown name "custmer" (row 1 of "share")`},
		{"where: syntax",
			"source = \"share\"\nwhere = 'month =='\n",
			nil, `tables/t.toml:2:18: table "t": expected a number, text, name or ( but found end of expression`},
		{"where: a month is text, not a number",
			"source = \"share\"\nwhere = \"month == 202203\"\n",
			nil, `tables/t.toml:2:16: table "t": cannot use == between "2022-02" and 202203: one is a number, the other text (row 1 of "share")`},
		{"highlight: syntax",
			"source = \"share\"\nhighlight = \"share > > 1\"\n",
			nil, `tables/t.toml:2:22: table "t": expected a number, text, name or ( but found ">"`},
		{"totals of text",
			"source = \"share\"\ntotals = [\"customer\"]\n",
			nil, `tables/t.toml:2:11: table "t": cannot total column "customer": it is text`},
		{"totals of a month",
			"source = \"share\"\ntotals = [\"month\"]\n",
			nil, `tables/t.toml:2:11: table "t": cannot total column "month": it is month`},
		{"totals of a column not shown",
			"source = \"share\"\ncolumns = [\"customer\"]\ntotals = [\"share\"]\n",
			nil, `tables/t.toml:3:11: table "t": totals column "share" is not among the table's columns`},
		{"each: unknown column",
			"source = \"share\"\neach = \"client\"\n",
			func(string) (string, bool) { return "", true }, `tables/t.toml:2:8: table "t": unknown column "client" in "share"`},
		{"each: not on a row page",
			"source = \"share\"\neach = \"customer\"\n",
			nil, `tables/t.toml:2:8: table "t" has each = "customer", so it can only be placed on a page made per row`},
		{"each: the page's row lacks the column",
			"source = \"share\"\neach = \"customer\"\n",
			func(string) (string, bool) { return "", false }, `tables/t.toml:2:8: table "t": this page's row has no column "customer"`},
	}
	for _, tt := range tests {
		s := parse(t, "tables/t.toml", tt.toml)
		v, err := Build(s, loadTables(t), format.Default, tt.row)
		if err == nil {
			t.Errorf("%s: rows %q, want an error", tt.name, rowsText(v))
			continue
		}
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v is a %T, want *diag.Error", tt.name, err, err)
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error\n  %s\nwant it to start\n  %s", tt.name, err, tt.want)
		}
	}
}

// A condition that reads an empty cell is an error at that cell, not a
// silent false.
func TestEmptyCellInCondition(t *testing.T) {
	tests := []struct{ name, toml string }{
		{"highlight", "source = \"share\"\nhighlight = \"share > 20%\"\n"},
		{"where", "source = \"share\"\nwhere = \"share > 20%\"\n"},
	}
	for _, tt := range tests {
		s := parse(t, "tables/t.toml", tt.toml)
		_, err := Build(s, loadTables(t), format.Default, nil)
		if err == nil {
			t.Errorf("%s: no error for Contoso's empty share", tt.name)
			continue
		}
		// Contoso is line 5; its share is the fourth field, after
		// "2022-03,Contoso,," (17 bytes).
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v is a %T, want a positioned *diag.Error", tt.name, err, err)
			continue
		}
		if de.Pos.String() != "data/share.csv:5:18" || !strings.Contains(err.Error(), `column "share" is empty`) {
			t.Errorf("%s: error %q at %s, want one at data/share.csv:5:18 saying column \"share\" is empty", tt.name, err, de.Pos)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct{ file, toml, want string }{
		{"tables/Top.toml", "source = \"share\"\n", `tables/Top.toml: table file name "Top": use lower-case letters, digits, - and _`},
		{"tables/t.toml", "caption = \"x\"\n", `tables/t.toml:1:1: table "t": source is required (a table or query name)`},
		{"tables/t.toml", "source = \"share\"\nlimit = -1\n", `tables/t.toml:2:9: table "t": limit must be positive`},
		{"tables/t.toml", "source = \"share\"\n[formats]\nshare = \"precent\"\n", `tables/t.toml:3:9: table "t": unknown format "precent"`},
		{"tables/t.toml", "source = \"share\"\n[formats]\nshare = \"percent:9\"\n", `tables/t.toml:3:9: table "t": format "percent:9": decimals must be 0 to 6`},
		{"tables/t.toml", "source = \"share\"\nsrot = \"share\"\n", `tables/t.toml:2:1: unknown key "srot"`},
		{"tables/t.toml", "source = \"share\"\nlimit = \"ten\"\n", `tables/t.toml:2`},
	}
	for _, tt := range tests {
		s, err := ParseSpec(tt.file, []byte(tt.toml))
		if err == nil {
			t.Errorf("%s %q: parsed %+v, want an error", tt.file, tt.toml, s)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s %q: error\n  %s\nwant it to start\n  %s", tt.file, tt.toml, err, tt.want)
		}
	}
}

func TestLoadSpecs(t *testing.T) {
	fsys := fstest.MapFS{
		"tables/top.toml":             {Data: []byte("source = \"share\"\n")},
		"tables/customer-months.toml": {Data: []byte("source = \"share\"\neach = \"customer\"\n")},
		"tables/readme.md":            {Data: []byte("# not a table")},
	}
	specs, err := LoadSpecs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 || specs["top"] == nil || specs["customer-months"] == nil || specs["customer-months"].Each != "customer" {
		t.Errorf("LoadSpecs = %v, want top and customer-months", specs)
	}
	if specs, err := LoadSpecs(fstest.MapFS{}); err != nil || len(specs) != 0 {
		t.Errorf("LoadSpecs without tables/ = %v, %v; want none", specs, err)
	}
	fsys["tables/bad.toml"] = &fstest.MapFile{Data: []byte("source = \"share\"\nlimit = -3\n")}
	if _, err := LoadSpecs(fsys); err == nil || !strings.HasPrefix(err.Error(), "tables/bad.toml:2:9:") {
		t.Errorf("LoadSpecs with a bad file: %v, want an error at tables/bad.toml:2:9", err)
	}
}

func TestRowEnv(t *testing.T) {
	tb := loadTables(t)["share"]
	env := RowEnv(tb, 1) // 2022-03, TikTok, 20M, 24.1%, big
	tests := []struct {
		name string
		want string
	}{
		{"month", `"2022-03"`},
		{"customer", `"TikTok"`},
		{"monthly_spend_usd", "2e+07"},
		{"share", "0.241"},
		{"note", `"big"`},
	}
	for _, tt := range tests {
		v, ok, err := env(tt.name)
		if !ok || err != nil || v.String() != tt.want {
			t.Errorf("RowEnv(%s) = %v, %v, %v; want %s", tt.name, v, ok, err, tt.want)
		}
	}
	if _, ok, err := env("nope"); ok || err != nil {
		t.Errorf("RowEnv(nope) = %v, %v; want unknown", ok, err)
	}
}

// TestLoadSpecsReportsEveryBadFile: independent definitions are checked
// independently, so one run names every bad file.
func TestLoadSpecsReportsEveryBadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"tables/a.toml":  {Data: []byte("caption = \"A\"\n")},
		"tables/b.toml":  {Data: []byte("source = \"t\"\nlimt = 3\n")},
		"tables/ok.toml": {Data: []byte("source = \"t\"\n")},
	}
	_, err := LoadSpecs(fsys)
	got := diag.Flatten(err)
	if len(got) != 2 {
		t.Fatalf("LoadSpecs reported %d problems, want 2: %v", len(got), err)
	}
	if got[0].Pos.File != "tables/a.toml" || !strings.Contains(got[0].Msg, "source is required") {
		t.Errorf("first problem: %v", got[0])
	}
	if got[1].Error() != `tables/b.toml:2:1: unknown key "limt"` {
		t.Errorf("second problem: %v", got[1])
	}
}

// money_full shows cents in every row of a column when any row shown has
// them, so that the amounts line up; the total follows the column.
func TestMoneyFullCents(t *testing.T) {
	fsys := fstest.MapFS{"data/p.csv": {Data: []byte("item,amount\nA,1234567.5\nB,20\nC,0.25\n")}}
	tb, err := table.Load(fsys, table.Spec{Name: "p", File: "data/p.csv", Columns: map[string]table.Kind{"amount": table.Money}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*table.Table{"p": tb}
	for _, c := range []struct {
		toml string
		rows []string
	}{
		{"where = 'item != \"C\"'\n", []string{"A|$1,234,567.50", "B|$20.00"}},
		{"where = 'item == \"B\"'\n", []string{"B|$20"}},
		{"where = 'item != \"A\"'\n", []string{"B|$20.00", "C|$0.25"}},
	} {
		s := parse(t, "tables/p.toml", "source = \"p\"\n"+c.toml+"totals = [\"amount\"]\n[formats]\namount = \"money_full\"\n")
		v, err := Build(s, tables, format.Default, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsText(v); !reflect.DeepEqual(got, c.rows) {
			t.Errorf("%s: rows %q, want %q", c.toml, got, c.rows)
		}
		if strings.Contains(c.rows[0], ".") != strings.Contains(v.Totals[1].Text, ".") {
			t.Errorf("%s: total %q does not follow the column's cents", c.toml, v.Totals[1].Text)
		}
	}
}
