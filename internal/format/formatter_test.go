package format

import (
	"math"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/table"
)

// Expectations in this file are worked out by hand from the rules in the
// package documentation and the README (see format_test.go for the list);
// the extra rules exercised here:
//
//   - change: like percent, with a sign: + for a rise, U+2212 for a fall,
//     none when the text shows as zero;
//   - pp: percentage points, signed like change, " pp" after the number;
//   - multiple: one decimal and "×";
//   - ordinal: rounded, English suffix (11th–13th are "th" however they
//     end), real minus sign;
//   - NAME:N fixes the decimals: no trimming of ".0", compact money keeps
//     N decimals in whatever unit it lands in.

// mustSpec parses a spec or fails the test.
func mustSpec(t *testing.T, s string) Spec {
	t.Helper()
	sp, err := ParseSpec(s)
	if err != nil {
		t.Fatalf("ParseSpec(%q): %v", s, err)
	}
	return sp
}

func mustNew(t *testing.T, opt Options) *Formatter {
	t.Helper()
	f, err := New(opt)
	if err != nil {
		t.Fatalf("New(%+v): %v", opt, err)
	}
	return f
}

func TestFormatterNumber(t *testing.T) {
	tests := []struct {
		spec string
		v    float64
		want string
	}{
		// number, with and without fixed decimals
		{"number", 0, "0"},
		{"number", math.Copysign(0, -1), "0"},
		{"number", -1234.5, minus + "1,234.5"},
		{"number", 1e6, "1,000,000"},
		{"number:0", 1234.5, "1,235"}, // half up
		{"number:2", 1234.5, "1,234.50"},
		{"number:2", 0.125, "0.13"}, // 12.5 hundredths, half up
		{"number:2", -0.001, "0.00"},
		{"number:3", -1234.5678, minus + "1,234.568"},

		// integer
		{"integer", -0.5, minus + "1"},
		{"integer", 999_999.5, "1,000,000"},

		// money: compact, carried across units
		{"money", 0, "$0"},
		{"money", 999, "$999"},
		{"money", 999_999, "$1M"},
		{"money", 999_499_999, "$999M"},
		{"money", 999_949_999, "$1B"}, // 999.95M rounds to 1000M: next unit
		{"money", 999_999_999, "$1B"},
		{"money", 9_999_999, "$10M"},
		{"money", -999_999, minus + "$1M"},
		{"money", 5_500, "$5.5K"},
		{"money:0", 1500, "$2K"}, // 1.5K, half up
		{"money:0", 20e6, "$20M"},
		{"money:1", 12_345, "$12.3K"},
		{"money:1", 999_950, "$1.0M"}, // 999.95K → 1000.0K → next unit
		{"money:2", 1234, "$1.23K"},
		{"money:2", -1.5e9, minus + "$1.50B"},
		{"money:2", 7, "$7.00"},
		{"money:1", -0.01, "$0.0"}, // shows as zero: no sign

		// money_full
		{"money_full", 999_999, "$999,999"},
		{"money_full:2", 1234.5, "$1,234.50"},
		{"money_full:2", -0.004, "$0.00"},
		{"money_full:2", 20e6, "$20,000,000.00"},
		{"money_full:0", 1234567.5, "$1,234,568"}, // :0 drops cents, half up

		// percent
		{"percent", 0.241, "24.1%"},
		{"percent", 0.2, "20%"},
		{"percent:0", 0.246, "25%"},
		{"percent:1", 0.29, "29.0%"},
		{"percent:2", 0.123456, "12.35%"},
		{"percent:1", -0.00001, "0.0%"},

		// change
		{"change", 0.29, "+29%"},
		{"change", -0.071, minus + "7.1%"},
		{"change", 0, "0%"},
		{"change", 0.0004, "0%"},
		{"change", -0.0004, "0%"},
		{"change", 1.5, "+150%"},
		{"change:1", 0.29, "+29.0%"},
		{"change:0", -0.071, minus + "7%"},
		{"change:2", 0.123456, "+12.35%"},

		// pp
		{"pp", 0.032, "+3.2 pp"},
		{"pp", -0.01, minus + "1 pp"},
		{"pp", 0, "0 pp"},
		{"pp", -0.0001, "0 pp"},
		{"pp:2", 0.0325, "+3.25 pp"},
		{"pp:1", 0.05, "+5.0 pp"},

		// multiple
		{"multiple", 1.9, "1.9×"},
		{"multiple", 2, "2.0×"},
		{"multiple", 1.94, "1.9×"},
		{"multiple", 1.96, "2.0×"},
		{"multiple", 12_345.67, "12,345.7×"},
		{"multiple", -1.5, minus + "1.5×"},
		{"multiple:0", 2.5, "3×"},
		{"multiple:2", 1.234, "1.23×"},

		// ordinal
		{"ordinal", 0, "0th"},
		{"ordinal", 1, "1st"},
		{"ordinal", 2, "2nd"},
		{"ordinal", 3, "3rd"},
		{"ordinal", 4, "4th"},
		{"ordinal", 10, "10th"},
		{"ordinal", 11, "11th"},
		{"ordinal", 12, "12th"},
		{"ordinal", 13, "13th"},
		{"ordinal", 14, "14th"},
		{"ordinal", 21, "21st"},
		{"ordinal", 22, "22nd"},
		{"ordinal", 23, "23rd"},
		{"ordinal", 101, "101st"},
		{"ordinal", 102, "102nd"},
		{"ordinal", 111, "111th"},
		{"ordinal", 112, "112th"},
		{"ordinal", 113, "113th"},
		{"ordinal", 2.4, "2nd"},
		{"ordinal", 2.5, "3rd"},
		{"ordinal", -1, minus + "1st"},
		{"ordinal", -2, minus + "2nd"},
		{"ordinal", -3, minus + "3rd"},
		{"ordinal", -11, minus + "11th"},
		{"ordinal", -12, minus + "12th"},
		{"ordinal", -13, minus + "13th"},
		{"ordinal", -21, minus + "21st"},
		{"ordinal", -112, minus + "112th"},

		// plain: raw, decimals as asked
		{"plain:2", 3.14159, "3.14"},
		{"plain:0", -2.4, "-2"},
	}
	for _, tt := range tests {
		got, err := Default.Number(mustSpec(t, tt.spec), tt.v)
		if err != nil {
			t.Errorf("Number(%s, %v): %v", tt.spec, tt.v, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Number(%s, %v) = %q, want %q", tt.spec, tt.v, got, tt.want)
		}
		if strings.Contains(got, "-") && !strings.HasPrefix(tt.spec, "plain") {
			t.Errorf("Number(%s, %v) = %q: ASCII hyphen instead of U+2212", tt.spec, tt.v, got)
		}
	}
}

func TestFormatterNumberNotFinite(t *testing.T) {
	for _, name := range NumericNames {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			got, err := Default.Number(Spec{Name: name, Decimals: -1}, v)
			if err == nil {
				t.Errorf("Number(%s, %v) = %q, want an error", name, v, got)
			}
		}
	}
}

func TestFormatterNumberNotNumeric(t *testing.T) {
	for _, name := range []string{"month", "quarter", "date", "text"} {
		if got, err := Default.Number(Spec{Name: name, Decimals: -1}, 1); err == nil {
			t.Errorf("Number(%s, 1) = %q, want an error: %s does not show numbers", name, got, name)
		}
	}
}

func TestFormatterLocales(t *testing.T) {
	const nnbsp = "\u202f"
	tests := []struct {
		locale, currency, spec string
		v                      float64
		want                   string
	}{
		{"de-DE", "", "number", 1234.5, "1.234,5"},
		{"de-DE", "", "number", 1234567, "1.234.567"},
		{"de-DE", "", "number", 0.5, "0,5"},
		{"de-DE", "", "number:2", -1234567.25, minus + "1.234.567,25"},
		{"de-DE", "", "integer", 1000, "1.000"},
		{"de-DE", "", "integer", 999, "999"},
		{"de-DE", "", "money", 1500, "$1,5K"},
		{"de-DE", "EUR", "money", 20e6, "€20M"},
		{"de-DE", "EUR", "money:2", 1234, "€1,23K"},
		{"de-DE", "", "money_full", 1234567, "$1.234.567"},
		{"de-DE", "", "money_full:2", 1234.5, "$1.234,50"},
		{"de-DE", "", "percent", 0.241, "24,1%"},
		{"de-DE", "", "change", -0.071, minus + "7,1%"},
		{"de-DE", "", "pp", 0.032, "+3,2 pp"},
		{"de-DE", "", "multiple", 1.9, "1,9×"},
		{"de-DE", "", "multiple", 1234.5, "1.234,5×"},
		{"de-AT", "", "number", 1234.5, "1.234,5"},
		{"es-ES", "", "number", 1234.5, "1.234,5"},

		{"fr-FR", "", "number", 1234.5, "1" + nnbsp + "234,5"},
		{"fr-FR", "", "number", 1234567, "1" + nnbsp + "234" + nnbsp + "567"},
		{"fr-FR", "EUR", "money_full", -1234567, minus + "€1" + nnbsp + "234" + nnbsp + "567"},
		{"fr-FR", "", "percent", 0.241, "24,1%"},
		{"fr-FR", "", "money", 1500, "$1,5K"},
		{"fr-CA", "", "number", 1234.5, "1" + nnbsp + "234,5"},
		{"sv-SE", "", "integer", 1234, "1" + nnbsp + "234"},

		{"de-CH", "", "number", 1234.5, "1’234.5"},
		{"de-CH", "", "integer", 1234567, "1’234’567"},
		{"de-CH", "", "money", 1500, "$1.5K"},
		{"de-CH", "", "percent", 0.241, "24.1%"},
		{"de-LI", "", "number", 1234.5, "1’234.5"},

		{"en-US", "", "number", 1234.5, "1,234.5"},
		{"en-GB", "GBP", "money_full", 1234567, "£1,234,567"},
		{"", "", "number", 1234.5, "1,234.5"},
	}
	for _, tt := range tests {
		f := mustNew(t, Options{Locale: tt.locale, Currency: tt.currency})
		got, err := f.Number(mustSpec(t, tt.spec), tt.v)
		if err != nil {
			t.Errorf("%s: Number(%s, %v): %v", tt.locale, tt.spec, tt.v, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: Number(%s, %v) = %q, want %q", tt.locale, tt.spec, tt.v, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	f := mustNew(t, Options{})
	if f.Currency != "USD" || f.Group != "," || f.Decimal != "." || f.FiscalStart != 1 {
		t.Errorf("New(zero options) = %+v, want USD, \",\", \".\", fiscal start 1", *f)
	}
	bad := []Options{
		{FiscalStart: 13},
		{FiscalStart: -1},
		{Locale: "not a locale!"},
	}
	for _, opt := range bad {
		if f, err := New(opt); err == nil {
			t.Errorf("New(%+v) = %+v, want an error", opt, *f)
		}
	}
}

func TestFiscalQuarter(t *testing.T) {
	tests := []struct {
		start   int
		year, q int // calendar quarter
		want    string
	}{
		{1, 2024, 2, "Q2 2024"},
		{0, 2024, 2, "Q2 2024"}, // unset: calendar year

		// July: FY25 runs Jul 2024–Jun 2025
		{7, 2024, 1, "Q3 FY24"},
		{7, 2024, 2, "Q4 FY24"},
		{7, 2024, 3, "Q1 FY25"},
		{7, 2024, 4, "Q2 FY25"},
		{7, 2099, 3, "Q1 FY00"},

		// April: FY25 runs Apr 2024–Mar 2025
		{4, 2024, 1, "Q4 FY24"},
		{4, 2024, 2, "Q1 FY25"},
		{4, 2024, 3, "Q2 FY25"},
		{4, 2024, 4, "Q3 FY25"},

		// October: FY25 runs Oct 2024–Sep 2025
		{10, 2024, 1, "Q2 FY24"},
		{10, 2024, 2, "Q3 FY24"},
		{10, 2024, 3, "Q4 FY24"},
		{10, 2024, 4, "Q1 FY25"},
		{10, 2009, 4, "Q1 FY10"},
	}
	for _, tt := range tests {
		f := mustNew(t, Options{FiscalStart: tt.start})
		if got := f.Quarter(tt.year*4 + tt.q - 1); got != tt.want {
			t.Errorf("fiscal start %d: Quarter(%d-Q%d) = %q, want %q", tt.start, tt.year, tt.q, got, tt.want)
		}
		// Show goes the same way for a quarter value.
		got, err := f.Show(mustSpec(t, "quarter"), table.Quarter, table.Value{F: float64(tt.year*4 + tt.q - 1)})
		if err != nil || got != tt.want {
			t.Errorf("fiscal start %d: Show(quarter, %d-Q%d) = %q, %v; want %q", tt.start, tt.year, tt.q, got, err, tt.want)
		}
	}
}

func TestFormatterDateMonth(t *testing.T) {
	dates := []struct {
		days int
		want string
	}{
		{0, "Jan 1, 1970"},
		{-1, "Dec 31, 1969"},
		{19082, "Mar 31, 2022"}, // 52*365 + 13 leap days + 31 + 28 + 30
		{19052, "Mar 1, 2022"},
		{18262 + 59, "Feb 29, 2020"}, // 2020-01-01 is day 18993 - 365 - 366 = 18262
	}
	for _, tt := range dates {
		if got := Default.Date(tt.days); got != tt.want {
			t.Errorf("Date(%d) = %q, want %q", tt.days, got, tt.want)
		}
	}
	if got := Default.Month(2022*12 + 2); got != "Mar 2022" {
		t.Errorf("Month(2022-03) = %q, want Mar 2022", got)
	}
	// A fiscal year changes quarters, not months.
	if got := mustNew(t, Options{FiscalStart: 7}).Month(2022*12 + 11); got != "Dec 2022" {
		t.Errorf("fiscal Month(2022-12) = %q, want Dec 2022", got)
	}
}

func TestShow(t *testing.T) {
	num := func(f float64) table.Value { return table.Value{F: f} }
	tests := []struct {
		spec string
		kind table.Kind
		v    table.Value
		want string // "" means an error is expected
	}{
		{"money", table.Money, num(20e6), "$20M"},
		{"money_full", table.Money, num(20e6), "$20,000,000"},
		{"percent", table.Percent, num(0.241), "24.1%"},
		{"number", table.Percent, num(0.5), "0.5"},
		{"money", table.Number, num(1500), "$1.5K"},
		{"change", table.Percent, num(-0.071), minus + "7.1%"},
		{"month", table.Month, num(2022*12 + 2), "Mar 2022"},
		{"quarter", table.Quarter, num(2024*4 + 1), "Q2 2024"},
		{"date", table.Date, num(19082), "Mar 31, 2022"},
		{"text", table.Text, table.Value{S: "TikTok"}, "TikTok"},
		{"text", table.Money, num(1234.5), "1234.5"},
		{"text", table.Month, num(2022*12 + 2), "2022-03"},
		{"text", table.Quarter, num(2024*4 + 1), "2024-Q2"},
		{"text", table.Date, num(19082), "2022-03-31"},

		// formats that do not fit the kind
		{"month", table.Money, num(20e6), ""},
		{"money", table.Month, num(2022*12 + 2), ""},
		{"number", table.Date, num(19082), ""},
		{"quarter", table.Month, num(2022*12 + 2), ""},
		{"date", table.Month, num(2022*12 + 2), ""},
		{"month", table.Text, table.Value{S: "2022-03"}, ""},
		{"percent", table.Text, table.Value{S: "0.5"}, ""},
		{"quarter", table.Number, num(8097), ""},

		// nothing to show
		{"money", table.Money, table.Value{Null: true}, ""},
		{"text", table.Text, table.Value{Null: true}, ""},

		// NaN in a numeric column is an error, not "NaN"
		{"number", table.Number, num(math.NaN()), ""},
	}
	for _, tt := range tests {
		got, err := Default.Show(mustSpec(t, tt.spec), tt.kind, tt.v)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Show(%s, %s, %+v) = %q, want an error", tt.spec, tt.kind, tt.v, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Show(%s, %s, %+v) = %q, %v; want %q", tt.spec, tt.kind, tt.v, got, err, tt.want)
		}
	}
}

func TestShowErrorNamesFormatAndKind(t *testing.T) {
	_, err := Default.Show(mustSpec(t, "month"), table.Money, table.Value{F: 1})
	if err == nil || !strings.Contains(err.Error(), "month") || !strings.Contains(err.Error(), "money") {
		t.Errorf("Show(month, money) error = %v, want one naming the format and the kind", err)
	}
}

func TestCheck(t *testing.T) {
	kinds := []table.Kind{table.Text, table.Number, table.Money, table.Percent, table.Date, table.Month, table.Quarter}
	// fits[format] lists the kinds it may show.
	numeric := []table.Kind{table.Number, table.Money, table.Percent}
	fits := map[string][]table.Kind{
		"month":   {table.Month},
		"quarter": {table.Quarter},
		"date":    {table.Date},
		"text":    kinds,
	}
	for _, n := range NumericNames {
		fits[n] = numeric
	}
	for _, name := range Names {
		for _, k := range kinds {
			want := false
			for _, ok := range fits[name] {
				want = want || ok == k
			}
			err := Check(mustSpec(t, name), k)
			if (err == nil) != want {
				t.Errorf("Check(%s, %s) = %v, want ok=%v", name, k, err, want)
			}
		}
	}
}

func TestParseSpec(t *testing.T) {
	ok := []struct {
		in   string
		want Spec
	}{
		{"percent", Spec{"percent", -1}},
		{"percent:1", Spec{"percent", 1}},
		{"money:0", Spec{"money", 0}},
		{"number:6", Spec{"number", 6}},
		{"plain:3", Spec{"plain", 3}},
		{"change:2", Spec{"change", 2}},
		{"text", Spec{"text", -1}},
	}
	for _, tt := range ok {
		got, err := ParseSpec(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("ParseSpec(%q).String() = %q", tt.in, s)
		}
	}
	bad := []struct {
		in, mention string // the error must mention this
	}{
		{"bogus", "unknown format"},
		{"", "unknown format"},
		{"Percent", "unknown format"},
		{"percent:", "decimals must be 0 to 6"},
		{"percent:-1", "decimals must be 0 to 6"},
		{"percent:7", "decimals must be 0 to 6"},
		{"percent:1.5", "decimals must be 0 to 6"},
		{"percent:1:2", "decimals must be 0 to 6"},
		{"percent: 1", "decimals must be 0 to 6"},
		{"month:1", "takes no decimals"},
		{"quarter:0", "takes no decimals"},
		{"date:2", "takes no decimals"},
		{"text:1", "takes no decimals"},
		{"integer:2", "takes no decimals"},
		{"ordinal:1", "takes no decimals"},
		{"bogus:1", "unknown format"},
	}
	for _, tt := range bad {
		got, err := ParseSpec(tt.in)
		if err == nil {
			t.Errorf("ParseSpec(%q) = %+v, want an error", tt.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("ParseSpec(%q) error %q, want it to say %q", tt.in, err, tt.mention)
		}
	}
	if sp := (Spec{"number", -1}); !sp.Numeric() {
		t.Error("number is not Numeric")
	}
	if sp := (Spec{"month", -1}); sp.Numeric() {
		t.Error("month is Numeric")
	}
}
