package table_test

import (
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/table"
)

// TestInferFromValues pins the rules for CSV and TOML columns with no
// declared kind (README "How columns get their kinds").
func TestInferFromValues(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   table.Kind
	}{
		{[]string{"1", "2.5", "-3", "1,234,567.8"}, table.Number},
		{[]string{"1", "", "3"}, table.Number}, // empty cells say nothing
		{[]string{"007", "12"}, table.Text},    // a leading zero is a code, not a number
		{[]string{"1,23", "4"}, table.Text},    // not grouped in threes
		{[]string{"$1,234", "$5.50", "7"}, table.Money},
		{[]string{"€3", "€4"}, table.Money},
		{[]string{"12.5%", "-3%"}, table.Percent},
		{[]string{"12.5%", "0.3"}, table.Text}, // a mix is text
		{[]string{"2022-03-31", "2022/04/01"}, table.Date},
		{[]string{"2022-02-30"}, table.Text}, // no such day
		{[]string{"2022-03", "2022-04"}, table.Month},
		{[]string{"Mar 2022", "April 2022"}, table.Month},
		{[]string{"2022-03", "2022-03-31"}, table.Text},
		{[]string{"2024-Q2", "Q3 2024"}, table.Quarter},
		{[]string{"2024", "2025"}, table.Number},
		{[]string{"n/a", "4"}, table.Text},
		{[]string{"", ""}, table.Text},
		{[]string{"NaN"}, table.Text},
	} {
		csv := "v,other\n"
		for _, v := range c.values {
			csv += `"` + v + `",x` + "\n"
		}
		tb := mustLoad(t, "data/v.csv", csv, table.Spec{})
		if got := tb.Columns[0]; got.Kind != c.want || got.From != table.FromValues {
			t.Errorf("%q: %s from %s, want %s from values", c.values, got.Kind, got.From, c.want)
		}
	}
	// TOML values count by their text: numbers, dates and strings alike.
	tb := mustLoad(t, "data/q.toml", "[[t]]\nq = \"2024-Q1\"\nrev = 1200\nday = 2024-03-31\n[[t]]\nq = \"2024-Q2\"\nrev = 1300.5\nday = 2024-06-30\n", table.Spec{})
	var got []string
	for _, c := range tb.Columns {
		got = append(got, c.Name+" "+c.Kind.String())
	}
	if strings.Join(got, ", ") != "q quarter, rev number, day date" {
		t.Errorf("TOML kinds: %s", strings.Join(got, ", "))
	}
	if v := tb.Rows[1][1].F; v != 1300.5 {
		t.Errorf("rev %v, want 1300.5", v)
	}
}

// TestDeclaredPatterns: columns."20*" declares every column it matches; a
// name wins over a pattern; two patterns that disagree on a column, or a
// pattern that matches none, are errors at the declaration.
func TestDeclaredPatterns(t *testing.T) {
	wide := "customer,2024-01,2024-02,2024-03\nAcme,1,2,3\n"
	tb := mustLoad(t, "data/w.csv", wide, table.Spec{Columns: map[string]table.Kind{"20*": table.Money, "2024_03": table.Number}})
	var got []string
	for _, c := range tb.Columns {
		got = append(got, c.Name+" "+c.Kind.String()+" ("+c.From+")")
	}
	want := "customer text (values), 2024_01 money (declared (20*)), 2024_02 money (declared (20*)), 2024_03 number (declared)"
	if strings.Join(got, ", ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ", "), want)
	}
	_, err := load(t, "data/w.csv", wide, table.Spec{Columns: map[string]table.Kind{"20*": table.Money, "*_01": table.Number}}, table.DefaultLimits)
	wantErr(t, err, `table "t": column "2024_01" matches both "*_01" (number) and "20*" (money); declare it by name`)
	_, err = load(t, "data/w.csv", wide, table.Spec{Columns: map[string]table.Kind{"19*": table.Money}}, table.DefaultLimits)
	wantErr(t, err, `table "t": pattern "19*" matches no column of data/w.csv (columns: customer, 2024_01, 2024_02, 2024_03)`)
	_, err = load(t, "data/w.csv", wide, table.Spec{Columns: map[string]table.Kind{"custmer": table.Text}}, table.DefaultLimits)
	wantErr(t, err, `table "t": column "custmer" is not in the header of data/w.csv (did you mean customer? columns: customer, 2024_01, 2024_02, 2024_03)`)
}

// TestSkipRowsAndColumns leaves out total rows and columns by pattern.
func TestSkipRowsAndColumns(t *testing.T) {
	csv := "region,q1,q2,Total\nNorth,1,2,3\nSouth,4,5,9\nGrand total,5,7,12\n"
	tb := mustLoad(t, "data/s.csv", csv, table.Spec{SkipRows: []string{"*total"}, SkipColumns: []string{"total"}})
	if got := strings.Join(tb.ColumnNames(), ","); got != "region,q1,q2" || len(tb.Rows) != 2 {
		t.Errorf("columns %s, %d rows; want region,q1,q2 and 2 rows", got, len(tb.Rows))
	}
}
