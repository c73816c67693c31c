package figure

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
)

const mar22 = 2022*12 + 2 // a month is year*12+month-1

// checkFormat is what internal/build passes: the format must parse and
// fit the figure's kind.
func checkFormat(name string, k table.Kind) error {
	sp, err := format.ParseSpec(name)
	if err != nil {
		return err
	}
	return format.Check(sp, k)
}

// openDB holds one table of monthly spend, built in memory:
//
//	2022-02 TikTok  19M
//	2022-03 TikTok  20M
//	2022-03 Walmart  5M
//	2022-03 Contoso  (empty)
func openDB(t *testing.T) *query.DB {
	t.Helper()
	spend := table.New("spend", "data/spend.csv", 1, []table.Column{
		{Name: "month", Kind: table.Month},
		{Name: "customer", Kind: table.Text},
		{Name: "monthly_spend_usd", Kind: table.Money},
	})
	spend.Append([]table.Value{{F: mar22 - 1}, {S: "TikTok"}, {F: 19e6}})
	spend.Append([]table.Value{{F: mar22}, {S: "TikTok"}, {F: 20e6}})
	spend.Append([]table.Value{{F: mar22}, {S: "Walmart"}, {F: 5e6}})
	spend.Append([]table.Value{{F: mar22}, {S: "Contoso"}, {Null: true}})
	db, err := query.Open(map[string]*table.Table{"spend": spend})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func load(t *testing.T, toml string) (*Set, error) {
	t.Helper()
	return Load(fstest.MapFS{File: {Data: []byte(toml)}}, openDB(t), checkFormat)
}

const figuresTOML = `[tiktok_spend]
sql = "SELECT monthly_spend_usd FROM spend WHERE customer = 'TikTok' AND month = '2022-03'"
note = "reported"

[total_spend]
sql = "SELECT SUM(monthly_spend_usd) FROM spend WHERE month = '2022-03'"

[tiktok_share]
expr = "tiktok_spend / total_spend"
format = "percent"

[run_rate]
expr = "total_spend * 12"

[run_rate_m]
expr = "run_rate / 1e6"

[growth]
expr = "tiktok_spend / first_spend - 1"
format = "change"

[first_spend]
sql = """
SELECT monthly_spend_usd FROM spend
WHERE customer = 'TikTok' AND month = (SELECT MIN(month) FROM spend)"""

[latest_month]
sql = "SELECT MAX(month) FROM spend"

[customers]
sql = "SELECT COUNT(DISTINCT customer) FROM spend"
format = "integer"

[top_customer]
sql = "SELECT customer FROM spend ORDER BY monthly_spend_usd DESC LIMIT 1"

[concentrated]
expr = "tiktok_share > 20% and customers >= 3"

[label]
expr = '"TikTok"'

[scaled]
expr = "round(tiktok_spend / 1e6) * 2"
type = "number"

[as_month]
sql = "SELECT '2022-03'"
type = "month"
`

func TestLoad(t *testing.T) {
	set, err := load(t, figuresTOML)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		kind   table.Kind
		value  expr.Value
		format string
	}{
		{"tiktok_spend", table.Money, expr.Num(20e6), "money"},
		{"total_spend", table.Money, expr.Num(25e6), "money"}, // the empty amount is left out
		{"tiktok_share", table.Number, expr.Num(0.8), "percent"},
		{"run_rate", table.Money, expr.Num(300e6), "money"}, // a scaled copy keeps the type
		{"run_rate_m", table.Money, expr.Num(300), "money"}, // through a chain
		{"growth", table.Number, expr.Num(20.0/19 - 1), "change"},
		{"first_spend", table.Money, expr.Num(19e6), "money"},
		{"latest_month", table.Month, expr.Num(mar22), "month"},
		{"customers", table.Number, expr.Num(3), "integer"},
		{"top_customer", table.Text, expr.Text("TikTok"), "text"},
		{"concentrated", table.Number, expr.Num(1), "number"},
		{"label", table.Text, expr.Text("TikTok"), "text"},
		{"scaled", table.Number, expr.Num(40), "number"},
		{"as_month", table.Month, expr.Num(mar22), "month"},
	}
	var want []string
	for _, tt := range tests {
		want = append(want, tt.name)
		f, ok := set.Get(tt.name)
		if !ok {
			t.Errorf("figure %q missing", tt.name)
			continue
		}
		if f.Kind != tt.kind || f.Format != tt.format || f.Missing {
			t.Errorf("figure %q: kind %s, format %q, missing %v; want %s, %q, false", tt.name, f.Kind, f.Format, f.Missing, tt.kind, tt.format)
		}
		if f.Value.IsText != tt.value.IsText || f.Value.Str != tt.value.Str || math.Abs(f.Value.Num-tt.value.Num) > 1e-9*math.Max(1, math.Abs(tt.value.Num)) {
			t.Errorf("figure %q = %v, want %v", tt.name, f.Value, tt.value)
		}
	}
	if got := set.Names(); len(got) != len(want) {
		t.Errorf("Names() = %v, want the %d figures", got, len(want))
	} else {
		for i := 1; i < len(got); i++ {
			if got[i-1] >= got[i] {
				t.Errorf("Names() = %v, not sorted", got)
			}
		}
	}
	if len(set.Warnings) != 0 {
		t.Errorf("warnings: %v", set.Warnings)
	}
	f, _ := set.Get("tiktok_spend")
	if f.Note != "reported" || f.Pos.String() != "figures.toml:1:1" || f.Name != "tiktok_spend" {
		t.Errorf("tiktok_spend: note %q at %s, want \"reported\" at figures.toml:1:1", f.Note, f.Pos)
	}
	if f, _ := set.Get("total_spend"); f.Pos.String() != "figures.toml:5:1" {
		t.Errorf("total_spend at %s, want figures.toml:5:1", f.Pos)
	}
	if _, ok := set.Get("nope"); ok {
		t.Error(`Get("nope") found a figure`)
	}

	// Env serves other expressions (conditional text).
	env := set.Env()
	if v, ok, err := env("tiktok_share"); !ok || err != nil || v.Num != 0.8 {
		t.Errorf(`Env("tiktok_share") = %v, %v, %v`, v, ok, err)
	}
	if _, ok, err := env("nope"); ok || err != nil {
		t.Errorf(`Env("nope") = %v, %v; want unknown`, ok, err)
	}
}

func TestNoFile(t *testing.T) {
	set, err := Load(fstest.MapFS{}, openDB(t), checkFormat)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Names()) != 0 || len(set.Warnings) != 0 {
		t.Errorf("no figures.toml: %v, %v", set.Names(), set.Warnings)
	}
	var none *Set
	if _, ok := none.Get("x"); ok {
		t.Error("a nil Set found a figure")
	}
}

// TestErrors checks every failure: the whole message, with the position
// worked out by hand from the TOML text (col counts bytes from 1; an expr
// error points into the string, one past the opening quote plus the
// offset).
func TestErrors(t *testing.T) {
	tests := []struct {
		name, toml, want string
	}{
		{"division by zero",
			"[zero]\nsql = \"SELECT 0 AS n\"\n\n[x]\nexpr = \"10 / zero\"\n",
			`figures.toml:5:12: figure "x": division by zero`},
		{"division by zero in a chain",
			"[a]\nexpr = \"1 + b / (c - c)\"\n[b]\nexpr = \"2\"\n[c]\nexpr = \"b\"\n",
			`figures.toml:2:15: figure "a": division by zero`},
		{"NULL",
			"[n]\nsql = \"SELECT NULL\"\n",
			`figures.toml:2:7: figure "n": the query returned NULL (no matching rows, or a division by zero) (set fallback = "n/a" to show a placeholder instead)`},
		{"division by zero in SQL is NULL",
			"[n]\nsql = \"SELECT SUM(monthly_spend_usd) / 0 FROM spend\"\n",
			`figures.toml:2:7: figure "n": the query returned NULL`},
		{"NULL cell",
			"[n]\nsql = \"SELECT monthly_spend_usd FROM spend WHERE customer = 'Contoso'\"\n",
			`figures.toml:2:7: figure "n": the query returned NULL`},
		{"empty result",
			"\n[n]\nsql = \"SELECT monthly_spend_usd FROM spend WHERE customer = 'Nobody'\"\n",
			`figures.toml:3:7: figure "n": the query returned no rows (set fallback = "n/a" to show a placeholder instead)`},
		{"two rows",
			"[n]\nsql = \"SELECT customer FROM spend WHERE month = '2022-03'\"\n",
			`figures.toml:2:7: figure "n": the query returns 3 rows; a figure is one value (add WHERE or LIMIT 1)`},
		{"two columns",
			"[n]\nsql = \"SELECT 1 AS a, 2 AS b\"\n",
			`figures.toml:2:7: figure "n": the query returns 2 columns; a figure is one value`},
		{"two columns, no rows",
			"[n]\nsql = \"SELECT month, customer FROM spend WHERE 0\"\n",
			`figures.toml:2:7: figure "n": the query returns 2 columns; a figure is one value`},
		{"self",
			"[a]\nexpr = \"a + 1\"\n",
			`figures.toml:1:1: figure "a" depends on itself: a → a`},
		{"two",
			"[a]\nexpr = \"b + 1\"\n\n[b]\nexpr = \"a * 2\"\n",
			`figures.toml:1:1: figure "a" depends on itself: a → b → a`},
		{"cycle reached from outside",
			"[a]\nexpr = \"b\"\n[b]\nexpr = \"c\"\n[c]\nexpr = \"b\"\n",
			`figures.toml:3:1: figure "b" depends on itself: b → c → b`},
		{"unknown figure",
			"[x]\nexpr = \"tiktok + 1\"\n",
			`figures.toml:2:9: figure "x": unknown figure "tiktok"`},
		{"unknown figure, later",
			"[one]\nexpr = \"1\"\n[x]\nexpr = \"one + nope\"\n",
			`figures.toml:4:15: figure "x": unknown figure "nope"`},
		{"syntax",
			"[x]\nexpr = \"1 +\"\n",
			`figures.toml:2:12: figure "x": expected a number, text, name or ( but found end of expression`},
		{"syntax, literal string",
			"[x]\nexpr = '2 * (3'\n",
			`figures.toml:2:15: figure "x": expected ) but found end of expression`},
		{"text in arithmetic",
			"[who]\nsql = \"SELECT customer FROM spend LIMIT 1\"\n[x]\nexpr = \"who * 2\"\n",
			`figures.toml:4:13: figure "x": cannot use * between "TikTok" and 2: it needs two numbers`},
		{"month shown as money",
			"[m]\nsql = \"SELECT MAX(month) FROM spend\"\nformat = \"money\"\n",
			`figures.toml:3:10: figure "m": format money does not fit a month value`},
		{"money shown as a month",
			"[m]\nsql = \"SELECT SUM(monthly_spend_usd) FROM spend\"\nformat = \"month\"\n",
			`figures.toml:3:10: figure "m": format month does not fit a money value`},
		{"number shown as a quarter",
			"[m]\nexpr = \"3\"\nformat = \"quarter\"\n",
			`figures.toml:3:10: figure "m": format quarter does not fit a number value`},
		{"unknown format",
			"[m]\nexpr = \"3\"\nformat = \"precent\"\n",
			`figures.toml:3:10: figure "m": unknown format "precent"`},
		{"bad type",
			"[m]\nexpr = \"3\"\ntype = \"dollars\"\n",
			`figures.toml:3:8: figure "m": unknown column type "dollars"`},
		{"both sql and expr",
			"[m]\nexpr = \"3\"\nsql = \"SELECT 3\"\n",
			`figures.toml:1:1: figure "m": give exactly one of sql or expr`},
		{"neither",
			"[m]\nnote = \"x\"\n",
			`figures.toml:1:1: figure "m": give exactly one of sql or expr`},
		{"bad name",
			"[Top]\nexpr = \"3\"\n",
			`figures.toml:1:1: figure name "Top": use lower-case letters, digits and _`},
		{"unknown key",
			"[m]\nexpr = \"3\"\nfromat = \"number\"\n",
			`figures.toml:3:1: unknown key "m.fromat"`},
		{"missing dependency without fallback",
			"[n]\nsql = \"SELECT NULL\"\nfallback = \"n/a\"\n[x]\nexpr = \"2 * n\"\n",
			`figures.toml:5:13: figure "x": figure "n" has no value (set fallback = "n/a" to show a placeholder instead)`},
		// SQL errors point into the file: into the string on its line, or
		// at the line after the opening """ of a multi-line string.
		{"SQL syntax",
			"[n]\nsql = \"SELECT 1,, 2\"\n",
			`figures.toml:2:17: figure "n": near ",": syntax error`},
		{"SQL syntax, multi-line",
			"[n]\nsql = \"\"\"\nSELECT 1\n  FROM FROM spend\"\"\"\n",
			`figures.toml:4:8: figure "n": near "FROM": syntax error`},
		{"SQL syntax, multi-line on its first line",
			"[n]\nsql = \"\"\"SELECT 1,,\n 2\"\"\"\n",
			`figures.toml:2:19: figure "n": near ",": syntax error`},
		{"SQL unknown table",
			"[n]\nsql = \"SELECT x FROM nope\"\n",
			`figures.toml:2:22: figure "n": no such table: nope`},
		{"SQL unknown column, multi-line",
			"[n]\nsql = \"\"\"\nSELECT SUM(spend)\n  FROM spend\"\"\"\n",
			`figures.toml:3:12: figure "n": no such column: spend`},
	}
	for _, tt := range tests {
		set, err := load(t, tt.toml)
		if err == nil {
			t.Errorf("%s: no error (figures %v, warnings %v)", tt.name, set.Names(), set.Warnings)
			continue
		}
		var de *diag.Error
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v is a %T, want *diag.Error", tt.name, err, err)
		}
		if len(diag.Flatten(err)) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", tt.name, len(diag.Flatten(err)), err)
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error\n  %s\nwant it to start\n  %s", tt.name, err, tt.want)
		}
	}
}

func TestFallback(t *testing.T) {
	set, err := load(t, `[n]
sql = "SELECT NULL"
fallback = "n/a"

[uses_n]
expr = "n * 2"
fallback = "—"

[empty]
sql = "SELECT customer FROM spend WHERE customer = 'Nobody'"
fallback = "n/a"
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, fallback string }{
		{"n", "n/a"}, {"uses_n", "—"}, {"empty", "n/a"},
	} {
		f, ok := set.Get(tt.name)
		if !ok {
			t.Errorf("figure %q missing from the set", tt.name)
			continue
		}
		if !f.Missing || f.Fallback != tt.fallback {
			t.Errorf("figure %q: missing %v, fallback %q; want true, %q", tt.name, f.Missing, f.Fallback, tt.fallback)
		}
	}
	// Figures are computed in name order, so the warnings come in that order.
	var got []string
	for _, w := range set.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`figures.toml:10:7: figure "empty": the query returned no rows; showing "n/a"`,
		`figures.toml:2:7: figure "n": the query returned NULL (no matching rows, or a division by zero); showing "n/a"`,
		`figures.toml:6:9: figure "uses_n": figure "n" has no value; showing "—"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// A missing figure has no value to give to other expressions.
	if _, ok, err := set.Env()("n"); !ok || err == nil {
		t.Errorf(`Env("n") = %v, %v; want an error`, ok, err)
	}
}

// An expression error that is not an *expr.Error (a limit, a failure of
// the language's own) is placed at the expression, not dereferenced.
func TestExprErrorOfAnyType(t *testing.T) {
	pos := diag.Pos{File: File, Line: 4, Col: 8}
	at := func(off int) diag.Pos { return diag.Pos{File: File, Line: 4, Col: 9 + off} }
	err := exprError("deep", pos, at, errors.New("expression nested too deep"))
	if got, want := err.Error(), `figures.toml:4:8: figure "deep": expression nested too deep`; got != want {
		t.Errorf("plain error: %s\nwant %s", got, want)
	}
	err = exprError("bad", pos, at, fmt.Errorf("parsing: %w", &expr.Error{Off: 3, Msg: "unexpected )"}))
	if got, want := err.Error(), `figures.toml:4:12: figure "bad": unexpected )`; got != want {
		t.Errorf("expr error: %s\nwant %s", got, want)
	}
}

// Independent bad figures are all reported in one run, each at its own
// place; a figure computed from a bad one adds no error of its own, and
// the good figures are still checked.
func TestEveryBadFigure(t *testing.T) {
	_, err := load(t, `[a]
sql = "SELECT nope FROM spend"

[b]
expr = "1 / (2 - 2)"

[c]
expr = "c + 1"

[d]
expr = "a * 2"

[e]
sql = "SELECT 1,, 2"

[ok]
expr = "3"
format = "month"
`)
	got := diag.Flatten(err)
	want := []string{
		`figures.toml:7:1: figure "c" depends on itself: c → c`,
		`figures.toml:2:15: figure "a": no such column: nope`,
		`figures.toml:5:11: figure "b": division by zero`,
		`figures.toml:14:17: figure "e": near ",": syntax error`,
		`figures.toml:18:10: figure "ok": format month does not fit a number value`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i, e := range got {
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %s, want it to start %s", i, e, want[i])
		}
	}
}

// A figure whose query returns no rows keeps the type it declares, and the
// format that type gives, for the fallback it shows in its place.
func TestMissingFigureKeepsItsType(t *testing.T) {
	set, err := load(t, `[latest]
sql = "SELECT month FROM spend WHERE customer = 'Nobody'"
type = "month"
fallback = "n/a"
`)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := set.Get("latest")
	if !ok || !f.Missing {
		t.Fatalf("figure latest: %+v, %v; want it missing", f, ok)
	}
	if f.Kind != table.Month || f.Format != format.ForKind(table.Month) {
		t.Errorf("figure latest: kind %v, format %q; want the declared month and its format %q", f.Kind, f.Format, format.ForKind(table.Month))
	}
}
