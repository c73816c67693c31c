package config

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

const good = `title = "Q1 briefing"
currency = "EUR"

[data.sales]
file = "data/sales.csv"
header_row = 2
[data.sales.columns]
month = "month"
amount = "money"

[data.people]
file = "data/people.xlsx"
sheet = "Staff"
columns = { since = "date", share = "percent" }

[assets]
echarts_url = "https://cdn.example/echarts.min.js"
echarts_integrity = "sha384-abc"

[params]
team = "Finance"
`

func at(line, col int) diag.Pos { return diag.Pos{File: File, Line: line, Col: col} }

func TestParseGood(t *testing.T) {
	s, err := Parse([]byte(good))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"Title", s.Title, "Q1 briefing"},
		{"Currency", s.Currency, "EUR"},
		{"Language (default)", s.Language, "en"},
		{"Locale (default)", s.Locale, "en-US"},
		{"Output (default)", s.Output, "output"},
		{"EChartsURL", s.Assets.EChartsURL, "https://cdn.example/echarts.min.js"},
		{"EChartsIntegrity", s.Assets.EChartsIntegrity, "sha384-abc"},
		{"params.team", s.Params["team"], "Finance"},
		{"TableNames", strings.Join(s.TableNames(), ","), "people,sales"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got := s.Pos("currency"); got != at(2, 12) {
		t.Errorf("Pos(currency) = %v, want %v", got, at(2, 12))
	}
	if got := s.Pos("data", "people", "sheet"); got != at(13, 9) {
		t.Errorf("Pos(data.people.sheet) = %v, want %v", got, at(13, 9))
	}
}

func TestTableSpec(t *testing.T) {
	s, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	sales := s.TableSpec("sales")
	if sales.Name != "sales" || sales.File != "data/sales.csv" || sales.HeaderRow != 2 || sales.Sheet != "" {
		t.Errorf("TableSpec(sales) = %+v", sales)
	}
	if want := map[string]table.Kind{"month": table.Month, "amount": table.Money}; !maps.Equal(sales.Columns, want) {
		t.Errorf("sales columns = %v, want %v", sales.Columns, want)
	}
	if sales.Where != at(4, 1) {
		t.Errorf("sales Where = %v, want %v (the [data.sales] header)", sales.Where, at(4, 1))
	}
	if sales.Encoding != "" {
		t.Errorf("sales Encoding = %q, want none (UTF-8)", sales.Encoding)
	}
	legacy, err := Parse([]byte(good + "\n[data.legacy]\nfile = \"data/legacy.csv\"\nencoding = \"windows-1252\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := legacy.TableSpec("legacy").Encoding; got != "windows-1252" {
		t.Errorf("legacy Encoding = %q, want windows-1252", got)
	}
	people := s.TableSpec("people")
	if people.Sheet != "Staff" || people.File != "data/people.xlsx" || people.HeaderRow != 0 {
		t.Errorf("TableSpec(people) = %+v", people)
	}
	if want := map[string]table.Kind{"since": table.Date, "share": table.Percent}; !maps.Equal(people.Columns, want) {
		t.Errorf("people columns = %v, want %v", people.Columns, want)
	}
	cols := []struct {
		spec table.Spec
		col  string
		want diag.Pos
	}{
		{sales, "month", at(8, 1)},
		{sales, "amount", at(9, 1)},
		{people, "since", at(14, 13)}, // inside the inline table
		{people, "share", at(14, 29)},
		{sales, "nope", diag.Pos{File: File}},
	}
	for _, c := range cols {
		if got := c.spec.ColumnPos(c.col); got != c.want {
			t.Errorf("%s ColumnPos(%q) = %v, want %v", c.spec.Name, c.col, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole message
	}{
		{
			"unknown top-level key",
			"title = \"t\"\ntheme = \"dark\"\n",
			`site.toml:2:1: unknown key "theme"`,
		},
		{
			"misspelt nested key",
			"title = \"t\"\n\n[data.sales]\nfile = \"a.csv\"\n  header_rows = 2\n",
			`site.toml:5:3: unknown key "data.sales.header_rows"`,
		},
		{
			"misspelt nested table",
			"title = \"t\"\n[data.sales]\nfile = \"a.csv\"\n[data.sales.colums]\nx = \"money\"\n",
			`site.toml:4:1: unknown key "data.sales.colums"`,
		},
		{
			"misspelt top-level table",
			"title = \"t\"\n[asset]\necharts = \"e.js\"\n",
			`site.toml:2:1: unknown key "asset"`,
		},
		{
			"two tables whose names differ only in case",
			"title = \"t\"\n[data.Sales]\nfile = \"a.csv\"\n[data.sales]\nfile = \"b.csv\"\n",
			`site.toml:4:1: table "sales" has the name of table "Sales" to SQL, which ignores case; rename one of them`,
		},
		{
			"unknown encoding, at the value",
			"title = \"t\"\n[data.sales]\nfile = \"a.csv\"\nencoding = \"cp437\"\n",
			`site.toml:4:12: table "sales": unknown encoding "cp437" (want utf-8, latin1, windows-1252 or utf-16)`,
		},
		{
			"unknown column type, at the value",
			"title = \"t\"\n[data.sales]\nfile = \"a.csv\"\n[data.sales.columns]\namount = \"dollars\"\n",
			`site.toml:5:10: table "sales": column "amount": unknown column type "dollars" (want one of text, number, money, percent, date, month, quarter)`,
		},
		{
			"unknown column type in an inline table",
			"title = \"t\"\n[data.sales]\nfile = \"a.csv\"\ncolumns = { amount = \"dollars\" }\n",
			`site.toml:4:22: table "sales": column "amount": unknown column type "dollars" (want one of text, number, money, percent, date, month, quarter)`,
		},
		{
			"missing title",
			"subtitle = \"s\"\n",
			`site.toml:1:1: title is required`,
		},
		{
			"blank title",
			"title = \"  \"\n",
			`site.toml:1:1: title is required`,
		},
		{
			"echarts_url without integrity",
			"title = \"t\"\n\n[assets]\necharts_url = \"https://cdn.example/e.js\"\n",
			`site.toml:3:1: echarts_url and echarts_integrity go together: a CDN copy must be pinned by its SRI hash`,
		},
		{
			"integrity without echarts_url",
			"title = \"t\"\n[assets]\necharts_integrity = \"sha384-x\"\n",
			`site.toml:2:1: echarts_url and echarts_integrity go together: a CDN copy must be pinned by its SRI hash`,
		},
		{
			"echarts_url over http",
			"title = \"t\"\n[assets]\necharts_url = \"http://cdn.example/e.js\"\necharts_integrity = \"sha384-x\"\n",
			`site.toml:3:15: echarts_url must be an https URL`,
		},
		{
			"table without file",
			"title = \"t\"\n[data.sales]\nsheet = \"S\"\n",
			`site.toml:2:1: table "sales": file is required`,
		},
		{
			"file outside the site",
			"title = \"t\"\n[data.sales]\nfile = \"../sales.csv\"\n",
			`site.toml:3:8: table "sales": file "../sales.csv" must be a relative path inside the site`,
		},
		{
			"absolute file",
			"title = \"t\"\n[data.sales]\nfile = \"/etc/sales.csv\"\n",
			`site.toml:3:8: table "sales": file "/etc/sales.csv" must be a relative path inside the site`,
		},
		{
			"backslash file",
			"title = \"t\"\n[data.sales]\nfile = 'data\\sales.csv'\n",
			`site.toml:3:8: table "sales": file "data\\sales.csv" must be a relative path inside the site`,
		},
		{
			"negative header_row",
			"title = \"t\"\n[data.sales]\nfile = \"a.csv\"\nheader_row = -1\n",
			`site.toml:4:14: header_row must be 1 or more`,
		},
		{
			"bad table name",
			"title = \"t\"\n[data.\"my sales\"]\nfile = \"a.csv\"\n",
			`site.toml:2:1: table name "my sales": use letters, digits and underscores`,
		},
		{
			"empty output",
			"title = \"t\"\noutput = \"\"\n",
			`site.toml:2:10: output must name a directory`,
		},
		{
			"syntax error",
			"title = \"t\"\n[data.sales\n",
			"", // checked by position below
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want an error", s)
			}
			if !diag.IsSource(err) {
				t.Errorf("error %v is not a positioned source error", err)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error =\n\t%s\nwant\n\t%s", err, tt.want)
			}
		})
	}
}

func TestParseSyntaxErrorPosition(t *testing.T) {
	_, err := Parse([]byte("title = \"t\"\ncurrency = EUR\n"))
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v, want a *diag.Error", err)
	}
	if de.Pos.File != File || de.Pos.Line != 2 {
		t.Errorf("syntax error at %v, want line 2 of %s", de.Pos, File)
	}
}

func TestParseTypeMismatch(t *testing.T) {
	_, err := Parse([]byte("title = \"t\"\n[data.sales]\nfile = \"a.csv\"\nheader_row = \"2\"\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "site.toml:4:14: data.sales.header_row: ") {
		t.Errorf("error = %v, want it at site.toml:4:14 naming data.sales.header_row", err)
	}
}

func TestLoad(t *testing.T) {
	s, err := Load(fstest.MapFS{"site.toml": {Data: []byte(good)}})
	if err != nil || s.Title != "Q1 briefing" {
		t.Fatalf("Load = %+v, %v", s, err)
	}
	_, err = Load(fstest.MapFS{"other.toml": {Data: []byte(good)}})
	if err == nil || !strings.HasPrefix(err.Error(), "site.toml: cannot read: ") || !strings.Contains(err.Error(), "is this a briefing folder?") {
		t.Errorf("Load without site.toml: error = %v", err)
	}
	if !diag.IsSource(err) {
		t.Errorf("missing site.toml should be a source error, got %T", err)
	}
}
