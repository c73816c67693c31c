package edition

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/query"
)

// The previous edition every comparison below is measured from.
var feb = &Edition{ID: "2022-02", Label: "Feb 2022", Date: "2022-02-01"}

// month, quarter and day encode a calendar value as figures hold it.
func month(y, m int) float64   { return float64(y*12 + m - 1) }
func quarter(y, q int) float64 { return float64(y*4 + q - 1) }
func day(y, m, d int) float64 {
	return float64(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// figures computes the figures declared in src, a figures.toml.
func figures(t *testing.T, src string) *figure.Set {
	t.Helper()
	db, err := query.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	figs, err := figure.Load(fstest.MapFS{figure.File: {Data: []byte(src)}}, db, nil)
	if err != nil {
		t.Fatalf("figures:\n%s\n%v", src, err)
	}
	return figs
}

// fig declares one figure called x: its expression, type and format ("" for
// the default).
func fig(expr, typ, format string) string {
	s := fmt.Sprintf("[x]\nexpr = %q\n", expr)
	if typ != "" {
		s += fmt.Sprintf("type = %q\n", typ)
	}
	if format != "" {
		s += fmt.Sprintf("format = %q\n", format)
	}
	return s
}

// missing declares a figure x with no value: its query returns no rows.
func missing(typ string) string {
	s := "[x]\nsql = \"SELECT 1 AS v WHERE 0\"\nfallback = \"not yet\"\n"
	if typ != "" {
		s += fmt.Sprintf("type = %q\n", typ)
	}
	return s
}

// was is a previous edition that recorded x with kind and value.
func was(kind string, v Value) *Record {
	return &Record{Version: Version, Edition: feb, Figures: map[string]RecordFigure{"x": {Kind: kind, Value: v}}}
}

func num(f float64) Value { return Value{Num: f} }
func str(s string) Value  { return Value{Str: s, IsText: true} }
func null() Value         { return Value{Null: true} }
func without() *Record {
	return &Record{Version: Version, Edition: feb, Figures: map[string]RecordFigure{}}
}
func cur() *Edition            { return &Edition{ID: "2022-03", Label: "Mar 2022", Date: "2022-03-01"} }
func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// changeCases is what a reader sees of {{change x}} in each case.
var changeCases = []struct {
	name    string
	figures string
	prev    *Record
	fmtName string
	state   State
	value   float64
	amount  string
	text    string
}{
	// A percent moves by percentage points.
	{"percent up", fig("25.3%", "percent", ""), was("percent", num(0.241)), "", Compared, 0.012, "+1.2 pp", "+1.2 pp since Feb 2022"},
	{"percent down", fig("22.9%", "percent", ""), was("percent", num(0.241)), "", Compared, -0.012, "−1.2 pp", "−1.2 pp since Feb 2022"},
	{"percent same", fig("24.1%", "percent", ""), was("percent", num(0.241)), "", Compared, 0, "unchanged", "unchanged since Feb 2022"},
	{"percent below rounding", fig("0.24104", "percent", ""), was("percent", num(0.241)), "", Compared, 0.00004, "unchanged", "unchanged since Feb 2022"},
	{"percent pp:2", fig("25.3%", "percent", ""), was("percent", num(0.241)), "pp:2", Compared, 0.012, "+1.20 pp", "+1.20 pp since Feb 2022"},
	{"number shown as percent", fig("0.253", "", "percent"), was("number", num(0.241)), "", Compared, 0.012, "+1.2 pp", "+1.2 pp since Feb 2022"},
	{"rate shown as change", fig("0.05", "", "change"), was("number", num(0.03)), "", Compared, 0.02, "+2 pp", "+2 pp since Feb 2022"},

	// Money moves by a relative change.
	{"money up", fig("112000000", "money", ""), was("money", num(100e6)), "", Compared, 0.12, "+12%", "+12% since Feb 2022"},
	{"money down", fig("88000000", "money", ""), was("money", num(100e6)), "", Compared, -0.12, "−12%", "−12% since Feb 2022"},
	{"money same", fig("100000000", "money", ""), was("money", num(100e6)), "", Compared, 0, "unchanged", "unchanged since Feb 2022"},
	{"money change:1", fig("112000000", "money", ""), was("money", num(100e6)), "change:1", Compared, 0.12, "+12.0%", "+12.0% since Feb 2022"},
	{"loss narrowed", fig("-50", "money", ""), was("money", num(-100)), "", Compared, 0.5, "+50%", "+50% since Feb 2022"},
	{"number shown as money", fig("1100", "", "money"), was("number", num(1000)), "", Compared, 0.1, "+10%", "+10% since Feb 2022"},
	{"money from zero", fig("5000", "money", ""), was("money", num(0)), "", FromZero, 0, "n/a: it was zero in Feb 2022", "n/a: it was zero in Feb 2022"},
	{"money zero still", fig("0", "money", ""), was("money", num(0)), "", Compared, 0, "unchanged", "unchanged since Feb 2022"},
	{"money difference", fig("112000000", "money", ""), was("money", num(100e6)), "money", Compared, 12e6, "+$12M", "+$12M since Feb 2022"},

	// A number moves by its difference, in its own format.
	{"number up", fig("1350", "", ""), was("number", num(1200)), "", Compared, 150, "+150", "+150 since Feb 2022"},
	{"number down", fig("1050", "", ""), was("number", num(1200)), "", Compared, -150, "−150", "−150 since Feb 2022"},
	{"number same", fig("1200", "", ""), was("number", num(1200)), "", Compared, 0, "unchanged", "unchanged since Feb 2022"},
	{"number grouped", fig("13500", "", ""), was("number", num(1200)), "", Compared, 12300, "+12,300", "+12,300 since Feb 2022"},
	{"rank", fig("2", "", "ordinal"), was("number", num(5)), "", Compared, -3, "−3", "−3 since Feb 2022"},
	{"multiple", fig("2.3", "", "multiple"), was("number", num(2.1)), "", Compared, 0.2, "+0.2×", "+0.2× since Feb 2022"},

	// Months, quarters and dates move by a count of them.
	{"month", fig(fmt.Sprint(month(2022, 3)), "month", ""), was("month", str("2022-02")), "", Compared, 1, "+1 month", "+1 month since Feb 2022"},
	{"months back", fig(fmt.Sprint(month(2021, 12)), "month", ""), was("month", str("2022-02")), "", Compared, -2, "−2 months", "−2 months since Feb 2022"},
	{"month same", fig(fmt.Sprint(month(2022, 2)), "month", ""), was("month", str("2022-02")), "", Compared, 0, "unchanged", "unchanged since Feb 2022"},
	{"quarter", fig(fmt.Sprint(quarter(2022, 2)), "quarter", ""), was("quarter", str("2022-Q1")), "", Compared, 1, "+1 quarter", "+1 quarter since Feb 2022"},
	{"quarters", fig(fmt.Sprint(quarter(2023, 1)), "quarter", ""), was("quarter", str("2022-Q1")), "", Compared, 4, "+4 quarters", "+4 quarters since Feb 2022"},
	{"date", fig(fmt.Sprint(day(2022, 3, 31)), "date", ""), was("date", str("2022-03-24")), "", Compared, 7, "+7 days", "+7 days since Feb 2022"},
	{"a day", fig(fmt.Sprint(day(2022, 3, 1)), "date", ""), was("date", str("2022-02-28")), "", Compared, 1, "+1 day", "+1 day since Feb 2022"},

	// Nothing to compare: the text says why.
	{"first edition", fig("25.3%", "percent", ""), nil, "", FirstEdition, 0, NoEarlier, NoEarlier},
	{"new figure", fig("25.3%", "percent", ""), without(), "", NewFigure, 0, "new since Feb 2022", "new since Feb 2022"},
	{"of another kind then", fig("25.3%", "percent", ""), was("month", str("2022-02")), "", NewFigure, 0, "new since Feb 2022", "new since Feb 2022"},
	{"no value now", missing(""), was("number", num(3)), "", NoValue, 0, NotAvailable, NotAvailable},
	{"no value now, typed", missing("money"), was("money", num(3)), "", NoValue, 0, NotAvailable, NotAvailable},
	{"no value now, first edition", missing(""), nil, "", FirstEdition, 0, NoEarlier, NoEarlier},
	{"no value then", fig("25.3%", "percent", ""), was("percent", null()), "", NoValue, 0, "n/a: no value in Feb 2022", "n/a: no value in Feb 2022"},
	{"no value then, kind unknown then", fig("25.3%", "percent", ""), was("text", null()), "", NoValue, 0, "n/a: no value in Feb 2022", "n/a: no value in Feb 2022"},
}

func TestChange(t *testing.T) {
	for _, c := range changeCases {
		t.Run(c.name, func(t *testing.T) {
			cmp := Compare(figures(t, c.figures), cur(), c.prev, format.Default)
			ch, err := cmp.Change("x", c.fmtName)
			if err != nil {
				t.Fatal(err)
			}
			wantSince := ""
			if c.prev != nil {
				wantSince = "Feb 2022"
			}
			if ch.Figure != "x" || ch.State != c.state || !approx(ch.Value, c.value) || ch.Amount != c.amount || ch.Text != c.text || ch.Since != wantSince {
				t.Errorf("Change = %+v\nwant state %d, value %v, amount %q, text %q, since %q", ch, c.state, c.value, c.amount, c.text, wantSince)
			}
		})
	}
}

func TestChangeErrors(t *testing.T) {
	figs := figures(t, fig(`"Acme"`, "", "")+"\n[y]\nexpr = \"3\"\n")
	cmp := Compare(figs, cur(), was("text", str("Initech")), format.Default)
	for _, c := range []struct{ name, fmtName, want string }{
		{"nope", "", `unknown figure "nope"`},
		{"x", "", `figure "x" is text: it has no change`},
		{"y", "month", "cannot show a change"},
		{"y", "pp:9", "decimals must be 0 to 6"},
	} {
		if _, err := cmp.Change(c.name, c.fmtName); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Change(%q, %q): error %v, want one saying %q", c.name, c.fmtName, err, c.want)
		}
	}
}

// prevCases is what a reader sees of {{prev x}}.
var prevCases = []struct {
	name    string
	figures string
	prev    *Record
	fmtName string
	want    string
}{
	{"percent", fig("25.3%", "percent", ""), was("percent", num(0.241)), "", "24.1%"},
	{"percent:2", fig("25.3%", "percent", ""), was("percent", num(0.241)), "percent:2", "24.10%"},
	{"money", fig("112000000", "money", ""), was("money", num(100e6)), "", "$100M"},
	{"money in full", fig("112000000", "money", ""), was("money", num(100e6)), "money_full", "$100,000,000"},
	{"number", fig("1350", "", ""), was("number", num(1200)), "", "1,200"},
	{"month", fig(fmt.Sprint(month(2022, 3)), "month", ""), was("month", str("2022-02")), "", "Feb 2022"},
	{"quarter", fig(fmt.Sprint(quarter(2022, 2)), "quarter", ""), was("quarter", str("2022-Q1")), "", "Q1 2022"},
	{"date", fig(fmt.Sprint(day(2022, 3, 31)), "date", ""), was("date", str("2022-03-24")), "", "Mar 24, 2022"},
	{"text", fig(`"Acme"`, "", ""), was("text", str("Initech")), "", "Initech"},
	{"no value now", missing(""), was("number", num(3)), "", "3"},
	{"first edition", fig("25.3%", "percent", ""), nil, "", NoEarlier},
	{"new figure", fig("25.3%", "percent", ""), without(), "", "none in Feb 2022"},
	{"no value then", fig("25.3%", "percent", ""), was("percent", null()), "", "none in Feb 2022"},
	{"unknown kind then", fig("25.3%", "percent", ""), was("colour", num(1)), "", "none in Feb 2022"},
	{"of another kind then", fig("25.3%", "percent", ""), &Record{Version: Version, Edition: feb,
		Figures: map[string]RecordFigure{"x": {Kind: "month", Value: str("2022-02"), Text: "Feb 2022 as shown"}}}, "", "Feb 2022 as shown"},
}

func TestPrev(t *testing.T) {
	for _, c := range prevCases {
		t.Run(c.name, func(t *testing.T) {
			cmp := Compare(figures(t, c.figures), cur(), c.prev, format.Default)
			got, err := cmp.Prev("x", c.fmtName)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("Prev = %q, want %q", got, c.want)
			}
		})
	}
	cmp := Compare(figures(t, fig("3", "", "")), cur(), was("number", num(1)), format.Default)
	if _, err := cmp.Prev("nope", ""); err == nil || !strings.Contains(err.Error(), `unknown figure "nope"`) {
		t.Errorf("Prev of an unknown figure: %v", err)
	}
	if _, err := cmp.Prev("x", "colour"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("Prev in an unknown format: %v", err)
	}
}

// envCases evaluate expressions over change(), prev() and has_prev().
var envCases = []struct {
	name    string
	figures string
	prev    *Record
	src     string
	want    expr.Value
}{
	{"change of a percent", fig("25.3%", "percent", ""), was("percent", num(0.241)), "change(x) > 1pp", expr.Num(1)},
	{"change of a percent, below", fig("24.5%", "percent", ""), was("percent", num(0.241)), "change(x) > 1pp", expr.Num(0)},
	{"change of money", fig("112", "money", ""), was("money", num(100)), "change(x) >= 12%", expr.Num(1)},
	{"change of a number", fig("1350", "", ""), was("number", num(1200)), "change(x)", expr.Num(150)},
	{"change of a month", fig(fmt.Sprint(month(2022, 3)), "month", ""), was("month", str("2022-02")), "change(x)", expr.Num(1)},
	{"prev of a number", fig("1350", "", ""), was("number", num(1200)), "prev(x)", expr.Num(1200)},
	{"prev of a month", fig(fmt.Sprint(month(2022, 3)), "month", ""), was("month", str("2022-02")), "prev(x)", expr.Num(month(2022, 2))},
	{"prev of a text", fig(`"Acme"`, "", ""), was("text", str("Initech")), `prev(x) == "Initech"`, expr.Num(1)},
	{"has_prev", fig("1350", "", ""), was("number", num(1200)), "has_prev(x)", expr.Num(1)},
	{"from zero: change", fig("5", "money", ""), was("money", num(0)), "change(x)", expr.Num(0)},
	{"from zero: prev", fig("5", "money", ""), was("money", num(0)), "prev(x)", expr.Num(0)},
	{"from zero: has_prev", fig("5", "money", ""), was("money", num(0)), "has_prev(x)", expr.Num(1)},

	// The fallbacks: no change, the previous value is the current one.
	{"first edition: change", fig("25.3%", "percent", ""), nil, "change(x)", expr.Num(0)},
	{"first edition: prev", fig("25.3%", "percent", ""), nil, "prev(x)", expr.Num(0.253)},
	{"first edition: prev of a text", fig(`"Acme"`, "", ""), nil, "prev(x)", expr.Text("Acme")},
	{"first edition: has_prev", fig("25.3%", "percent", ""), nil, "has_prev(x)", expr.Num(0)},
	{"first edition: a condition", fig("25.3%", "percent", ""), nil, "change(x) > 1pp or change(x) < -1pp", expr.Num(0)},
	{"new figure: change", fig("1350", "", ""), without(), "change(x)", expr.Num(0)},
	{"new figure: prev", fig("1350", "", ""), without(), "prev(x)", expr.Num(1350)},
	{"new figure: has_prev", fig("1350", "", ""), without(), "has_prev(x)", expr.Num(0)},
	{"no value then: change", fig("1350", "", ""), was("number", null()), "change(x)", expr.Num(0)},
	{"no value then: prev", fig("1350", "", ""), was("number", null()), "prev(x)", expr.Num(1350)},
	{"no value then: has_prev", fig("1350", "", ""), was("number", null()), "has_prev(x)", expr.Num(0)},

	// Other names go to the base Env.
	{"other names", fig("1350", "", ""), was("number", num(1200)), "x - prev(x) + base", expr.Num(157)},
}

func TestEnv(t *testing.T) {
	for _, c := range envCases {
		t.Run(c.name, func(t *testing.T) {
			figs := figures(t, c.figures)
			cmp := Compare(figs, cur(), c.prev, format.Default)
			got, err := eval(t, c.src, cmp.Env(withBase(figs.Env())))
			if err != nil {
				t.Fatal(err)
			}
			if got.IsText != c.want.IsText || got.Str != c.want.Str || !approx(got.Num, c.want.Num) {
				t.Errorf("%s = %v, want %v", c.src, got, c.want)
			}
		})
	}
}

func TestEnvErrors(t *testing.T) {
	figs := figures(t, fig(`"Acme"`, "", "")+"\n"+strings.Replace(missing(""), "[x]", "[gone]", 1))
	cmp := Compare(figs, cur(), was("text", str("Initech")), format.Default)
	for _, c := range []struct{ src, want string }{
		{"change(nope)", `change(nope): unknown figure "nope"`},
		{"prev(nope)", `prev(nope): unknown figure "nope"`},
		{"change(x)", `figure "x" is text`},
		{"has_prev(gone)", `figure "gone" has no value`},
	} {
		if _, err := eval(t, c.src, cmp.Env(figs.Env())); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.src, err, c.want)
		}
	}
}

// withBase adds the name base (7) to env.
func withBase(env expr.Env) expr.Env {
	return func(name string) (expr.Value, bool, error) {
		if name == "base" {
			return expr.Num(7), true, nil
		}
		return env(name)
	}
}

func eval(t *testing.T, src string, env expr.Env) (expr.Value, error) {
	t.Helper()
	n, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return expr.Eval(n, env)
}

// TestCompareLabels pins the editions a comparison names.
func TestCompareLabels(t *testing.T) {
	figs := figures(t, fig("1", "", ""))
	first := Compare(figs, cur(), nil, format.Default)
	if first.Previous() != nil || first.Since() != "" || first.Current().Label != "Mar 2022" {
		t.Errorf("first edition: previous %v, since %q, current %v", first.Previous(), first.Since(), first.Current())
	}
	next := Compare(figs, cur(), without(), format.Default)
	if next.Previous() != feb || next.Since() != "Feb 2022" {
		t.Errorf("second edition: previous %v, since %q", next.Previous(), next.Since())
	}
	var none *Comparison
	if none.Previous() != nil {
		t.Error("a nil comparison has a previous edition")
	}
}
