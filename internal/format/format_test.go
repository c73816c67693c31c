package format

import (
	"math"
	"testing"
)

// minus is the real minus sign, U+2212, that every signed format uses.
const minus = "\u2212"

// Every expectation below was worked out by hand from the rules in the
// package documentation, not copied from the formatter's output:
//
//   - number: whole values get thousands separators and no decimals,
//     anything else one decimal;
//   - integer: rounded to a whole number, thousands separators;
//   - money: currency symbol and a compact amount with three significant
//     figures in the largest unit (K, M, B, T) it reaches, trailing zeros
//     dropped ($4.26M, $47.5M, $20M); whole units below a thousand; a
//     value that rounds up to 1000 units moves up a unit;
//   - money_full: symbol and every digit, grouped, with cents when the
//     value has them at hundredths;
//   - percent: the fraction times 100 with one decimal, ".0" dropped;
//   - plain: the number as Go/JavaScript print it, nothing added.
//
// A value that shows as zero never carries a sign; a negative one carries
// U+2212, never the ASCII hyphen (except in plain, which is raw).
func TestValue(t *testing.T) {
	tests := []struct {
		format string
		v      float64
		cur    string
		want   string
	}{
		// number
		{"number", 0, "", "0"},
		{"number", 7, "", "7"},
		{"number", 1234, "", "1,234"},
		{"number", 1234567, "", "1,234,567"},
		{"number", 123456, "", "123,456"},
		{"number", -1234, "", minus + "1,234"},
		{"number", 1234.56, "", "1,234.6"},
		{"number", -0.7, "", minus + "0.7"},
		{"number", 0.04, "", "0.0"},
		{"number", -0.04, "", "0.0"}, // shows as zero: no sign
		{"number", 999.96, "", "1,000.0"},
		{"number", 2.25, "", "2.3"}, // a tie rounds up, as people (and Math.round) do
		{"number", 0.15, "", "0.2"},

		// integer
		{"integer", 0, "", "0"},
		{"integer", 1234.4, "", "1,234"},
		{"integer", 1234.6, "", "1,235"},
		{"integer", 1e6, "", "1,000,000"},
		{"integer", -1234567.8, "", minus + "1,234,568"},
		{"integer", -0.4, "", "0"},
		{"integer", 2.5, "", "3"},
		{"integer", -2.5, "", minus + "3"},

		// money
		{"money", 0, "", "$0"},
		{"money", 950, "", "$950"},
		{"money", 999.4, "", "$999"},
		{"money", 999.6, "", "$1K"}, // rounds to 1000 units: next unit
		{"money", 1000, "", "$1K"},
		{"money", 1005, "", "$1.01K"}, // 100.5 hundredths of a thousand, half up
		{"money", 1234, "", "$1.23K"},
		{"money", 1500, "", "$1.5K"}, // 1.50: trailing zero dropped
		{"money", 9940, "", "$9.94K"},
		{"money", 9999, "", "$10K"}, // 9.999K rounds to 10.00: zeros dropped
		{"money", 10_000, "", "$10K"},
		{"money", 12_345, "", "$12.3K"},
		{"money", 318_000, "", "$318K"},
		{"money", 999_499, "", "$999K"},
		{"money", 999_500, "", "$1M"}, // 999.5K rounds to 1000K: next unit
		{"money", 999_999, "", "$1M"},
		{"money", 1_000_000, "", "$1M"},
		{"money", 4_255_000, "", "$4.26M"}, // a tie: 425.5 hundredths, half up
		{"money", 4_260_000, "", "$4.26M"},
		{"money", 9_940_000, "", "$9.94M"},
		{"money", 9_950_000, "", "$9.95M"},
		{"money", 9_995_000, "", "$10M"}, // 999.5 hundredths: 10.00
		{"money", 20_000_000, "", "$20M"},
		{"money", 20_400_000, "", "$20.4M"},
		{"money", 20_600_000, "", "$20.6M"},
		{"money", 47_500_000, "", "$47.5M"},
		{"money", 8_800_000, "", "$8.8M"},
		{"money", 8_833_000, "", "$8.83M"}, // reads apart from $8.8M
		{"money", 83_000_000, "", "$83M"},
		{"money", 99_950_000, "", "$100M"}, // 999.5 tenths: 100.0
		{"money", 996_000_000, "", "$996M"},
		{"money", 999_600_000, "", "$1B"},
		{"money", 1e9, "", "$1B"},
		{"money", 1.25e9, "", "$1.25B"},
		{"money", 83e6 * 12, "", "$996M"},
		{"money", 999.4e9, "", "$999B"},
		{"money", 1.5e12, "", "$1.5T"},
		{"money", 2.5e15, "", "$2500T"}, // no unit above T
		{"money", -20_000_000, "", minus + "$20M"},
		{"money", -1500, "", minus + "$1.5K"},
		{"money", -0.4, "", "$0"}, // shows as zero: no sign
		{"money", 1500, "EUR", "€1.5K"},
		{"money", 1500, "GBP", "£1.5K"},
		{"money", 1500, "JPY", "¥1.5K"},
		{"money", 1500, "USD", "$1.5K"},
		{"money", 1500, "CHF", "CHF 1.5K"},
		{"money", -1500, "CHF", minus + "CHF 1.5K"},

		// money_full: cents when the value has them
		{"money_full", 0, "", "$0"},
		{"money_full", 999, "", "$999"},
		{"money_full", 1234567.4, "", "$1,234,567.40"},
		{"money_full", 1234567.5, "", "$1,234,567.50"},
		{"money_full", 1234567.004, "", "$1,234,567"}, // no cents at hundredths
		{"money_full", 12.5, "", "$12.50"},
		{"money_full", -83_000_000, "", minus + "$83,000,000"},
		{"money_full", -0.4, "", minus + "$0.40"},
		{"money_full", -0.004, "", "$0"},
		{"money_full", -1234.5, "", minus + "$1,234.50"},
		{"money_full", 20e6, "EUR", "€20,000,000"},
		{"money_full", 1e15 + 0.5, "", "$1,000,000,000,000,001"}, // over 2^53 hundredths: whole units

		// percent
		{"percent", 0, "", "0%"},
		{"percent", 20.0 / 83, "", "24.1%"},
		{"percent", 0.29, "", "29%"},
		{"percent", 1, "", "100%"},
		{"percent", 1.5, "", "150%"},
		{"percent", 0.1234, "", "12.3%"},
		{"percent", 0.0004, "", "0%"},
		{"percent", -0.053, "", minus + "5.3%"},
		{"percent", -0.05, "", minus + "5%"},
		{"percent", -0.0001, "", "0%"}, // shows as zero: no sign
		{"percent", -0.0004, "", "0%"},
		{"percent", 0.00125, "", "0.1%"}, // 0.125 → 0.1 (1.25 tenths rounds down)
		{"percent", 0.0125, "", "1.3%"},  // 12.5 tenths rounds up

		// plain: raw, no grouping, ASCII sign
		{"plain", 0, "", "0"},
		{"plain", 1234567, "", "1234567"},
		{"plain", 1234.5, "", "1234.5"},
		{"plain", 0.1, "", "0.1"},
		{"plain", -3, "", "-3"},

		// an unknown name formats as number
		{"bogus", 1234.5, "", "1,234.5"},
		{"", -1234, "", minus + "1,234"},
	}
	for _, tt := range tests {
		if got := Value(tt.format, tt.v, tt.cur); got != tt.want {
			t.Errorf("Value(%q, %v, %q) = %q, want %q", tt.format, tt.v, tt.cur, got, tt.want)
		}
	}
}

func TestValueNotFinite(t *testing.T) {
	names := append([]string{"bogus"}, Names...)
	for _, name := range names {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			if got := Value(name, v, "USD"); got != "n/a" {
				t.Errorf("Value(%q, %v) = %q, want n/a", name, v, got)
			}
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"number", true},
		{"integer", true},
		{"money", true},
		{"money_full", true},
		{"percent", true},
		{"plain", true},
		{"change", true},
		{"pp", true},
		{"multiple", true},
		{"ordinal", true},
		{"month", true},
		{"quarter", true},
		{"date", true},
		{"text", true},
		{"percent:1", true},
		{"number:0", true},
		{"number:7", false},
		{"number:x", false},
		{"month:1", false},
		{"integer:2", false},
		{"", false},
		{"Money", false},
		{"currency", false},
		{"percent ", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.name); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if len(Names) != 14 || len(NumericNames) != 10 {
		t.Errorf("Names = %v, NumericNames = %v: want the 14 and 10 documented formats", Names, NumericNames)
	}
}

func TestSymbol(t *testing.T) {
	tests := []struct{ cur, want string }{
		{"", "$"}, {"USD", "$"}, {"EUR", "€"}, {"GBP", "£"}, {"JPY", "¥"}, {"CHF", "CHF "}, {"SEK", "SEK "},
	}
	for _, tt := range tests {
		if got := Symbol(tt.cur); got != tt.want {
			t.Errorf("Symbol(%q) = %q, want %q", tt.cur, got, tt.want)
		}
	}
}

func TestMonthQuarter(t *testing.T) {
	months := []struct {
		year, month int // month 1-12
		want        string
	}{
		{2022, 3, "Mar 2022"},
		{2022, 1, "Jan 2022"},
		{2021, 12, "Dec 2021"},
		{1999, 7, "Jul 1999"},
	}
	for _, tt := range months {
		if got := Month(tt.year*12 + tt.month - 1); got != tt.want {
			t.Errorf("Month(%d-%02d) = %q, want %q", tt.year, tt.month, got, tt.want)
		}
	}
	quarters := []struct {
		year, q int // quarter 1-4
		want    string
	}{
		{2024, 2, "Q2 2024"},
		{2024, 1, "Q1 2024"},
		{2023, 4, "Q4 2023"},
		{2000, 3, "Q3 2000"},
	}
	for _, tt := range quarters {
		if got := Quarter(tt.year*4 + tt.q - 1); got != tt.want {
			t.Errorf("Quarter(%d Q%d) = %q, want %q", tt.year, tt.q, got, tt.want)
		}
	}
}

// A column shows cents in every row when any row has them, so that the
// amounts line up: $20.00 under $1,234.50.
func TestForColumn(t *testing.T) {
	tests := []struct {
		spec   string
		values []float64
		want   string
	}{
		{"money_full", []float64{20e6, 1234.5}, "money_full:2"},
		{"money_full", []float64{20e6, 1234}, "money_full:0"},
		{"money_full", []float64{20e6, 1234.004}, "money_full:0"}, // no cents at hundredths
		{"money_full", nil, "money_full:0"},
		{"money_full:1", []float64{1234.56}, "money_full:1"}, // fixed decimals win
		{"money", []float64{1234.5}, "money"},
		{"number", []float64{1234.5}, "number"},
	}
	for _, tt := range tests {
		sp, err := ParseSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := ForColumn(sp, tt.values).String(); got != tt.want {
			t.Errorf("ForColumn(%s, %v) = %s, want %s", tt.spec, tt.values, got, tt.want)
		}
	}
	sp, _ := ParseSpec("money_full")
	got, err := Default.Number(ForColumn(sp, []float64{20, 1234.5}), 20)
	if err != nil || got != "$20.00" {
		t.Errorf("$20 in a column with cents = %q, %v; want $20.00", got, err)
	}
}
