// Package format turns numbers into the strings a business reader expects:
// $20M, $4.26M, $1.25B, 24.1%, 1,234. The same rules ship to the browser in the
// chart script (assets/briefing.js), so a chart's axis and tooltip show the
// same strings as the prose; charts select a rule by name, never by code.
package format

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Names lists the formats a chart, table or figure may name. A name may
// carry a number of decimals after a colon: number:2, percent:0, change:1.
var Names = []string{
	"number", "integer", "money", "money_full", "percent", "change", "pp",
	"multiple", "ordinal", "plain", "month", "quarter", "date", "text",
}

// Valid reports whether spec is a known format, with or without decimals.
func Valid(spec string) bool {
	_, err := ParseSpec(spec)
	return err == nil
}

// Spec is a parsed format: a name and, optionally, fixed decimals.
type Spec struct {
	Name     string
	Decimals int // -1: the format's own rule
}

func (s Spec) String() string {
	if s.Decimals < 0 {
		return s.Name
	}
	return s.Name + ":" + strconv.Itoa(s.Decimals)
}

// ParseSpec parses "percent" or "percent:1".
func ParseSpec(s string) (Spec, error) {
	name, dec, hasDec := strings.Cut(s, ":")
	if !slices.Contains(Names, name) {
		return Spec{}, fmt.Errorf("unknown format %q (want one of %s, optionally with :DECIMALS)", s, strings.Join(Names, ", "))
	}
	sp := Spec{Name: name, Decimals: -1}
	if hasDec {
		d, err := strconv.Atoi(dec)
		if err != nil || d < 0 || d > 6 {
			return Spec{}, fmt.Errorf("format %q: decimals must be 0 to 6", s)
		}
		if !slices.Contains(NumericNames, name) || name == "integer" || name == "ordinal" {
			return Spec{}, fmt.Errorf("format %q: %s takes no decimals", s, name)
		}
		sp.Decimals = d
	}
	return sp, nil
}

// NumericNames lists the formats that show quantities.
var NumericNames = []string{"number", "integer", "money", "money_full", "percent", "change", "pp", "multiple", "ordinal", "plain"}

// Numeric reports whether the format shows a quantity (as opposed to a
// month, quarter, date or text).
func (s Spec) Numeric() bool { return slices.Contains(NumericNames, s.Name) }

// Symbol returns the display symbol of an ISO 4217 currency code.
func Symbol(currency string) string {
	switch currency {
	case "", "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "JPY":
		return "¥"
	}
	return currency + " "
}

// Formatter formats values for one briefing: its currency, its locale's
// separators and its fiscal year.
type Formatter struct {
	Currency    string
	Group       string // thousands separator
	Decimal     string // decimal separator
	FiscalStart int    // month the fiscal year starts, 1 = January (calendar quarters)
}

// Options configure a Formatter.
type Options struct {
	Currency    string // ISO 4217, default USD
	Locale      string // BCP 47, default en-US
	FiscalStart int    // 1–12, default 1
}

// New returns a Formatter for opt.
func New(opt Options) (*Formatter, error) {
	f := &Formatter{Currency: opt.Currency, FiscalStart: opt.FiscalStart}
	if f.Currency == "" {
		f.Currency = "USD"
	}
	if f.FiscalStart == 0 {
		f.FiscalStart = 1
	}
	if f.FiscalStart < 1 || f.FiscalStart > 12 {
		return nil, fmt.Errorf("fiscal year start %d: want a month, 1 to 12", f.FiscalStart)
	}
	var err error
	if f.Group, f.Decimal, err = separators(opt.Locale); err != nil {
		return nil, err
	}
	return f, nil
}

// Default is the en-US, USD, calendar-year formatter.
var Default = &Formatter{Currency: "USD", Group: ",", Decimal: ".", FiscalStart: 1}

// Value formats v with the named format in the default formatter. NaN and
// infinities show as n/a.
func Value(name string, v float64, currency string) string {
	f := *Default
	f.Currency = currency
	sp, err := ParseSpec(name)
	if err != nil {
		sp = Spec{Name: "number", Decimals: -1}
	}
	s, err := f.Number(sp, v)
	if err != nil {
		return "n/a"
	}
	return s
}

// Number formats a quantity. NaN and infinities are errors: a briefing
// never shows them.
func (f *Formatter) Number(sp Spec, v float64) (string, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("%v is not a number that can be shown", v)
	}
	d := sp.Decimals
	switch sp.Name {
	case "integer":
		return f.group(v, 0), nil
	case "money":
		var s string
		if d >= 0 {
			s = f.compactFixed(math.Abs(v), d)
		} else {
			s = f.local(compact(math.Abs(v)))
		}
		return sign(v, s) + Symbol(f.Currency) + s, nil
	case "money_full":
		if d < 0 {
			d = 0
			if HasCents(v) {
				d = 2 // cents when the value has them: $1,234,567.50
			}
		}
		s := f.group(math.Abs(v), d)
		return sign(v, s) + Symbol(f.Currency) + s, nil
	case "percent":
		s := f.trimmed(math.Abs(v)*100, d, 1)
		return sign(v, s) + s + "%", nil
	case "change":
		s := f.trimmed(math.Abs(v)*100, d, 1)
		return signed(v, s) + s + "%", nil
	case "pp":
		s := f.trimmed(math.Abs(v)*100, d, 1)
		return signed(v, s) + s + " pp", nil
	case "multiple":
		if d < 0 {
			d = 1
		}
		return f.group(v, d) + "×", nil
	case "ordinal":
		return ordinal(v), nil
	case "plain":
		return strconv.FormatFloat(v, 'f', d, 64), nil
	case "number":
		if d >= 0 {
			return f.group(v, d), nil
		}
		if v == math.Trunc(v) {
			return f.group(v, 0), nil
		}
		return f.group(v, 1), nil
	}
	return "", fmt.Errorf("format %s does not show numbers", sp.Name)
}

// trimmed writes v with d decimals, or with def decimals and a trailing .0
// dropped when d is unset: 24.1, 25.
func (f *Formatter) trimmed(v float64, d, def int) string {
	if d >= 0 {
		return f.local(fixed(v*math.Pow10(d), d))
	}
	return f.local(strings.TrimSuffix(fixed(v*math.Pow10(def), def), ".0"))
}

// local swaps the decimal point for the locale's.
func (f *Formatter) local(s string) string {
	if f.Decimal == "." {
		return s
	}
	return strings.Replace(s, ".", f.Decimal, 1)
}

func (f *Formatter) compactFixed(v float64, d int) string {
	for i := unitOf(v); ; i++ {
		s := fixed(v/units[i].div*math.Pow10(d), d)
		if r, _ := strconv.ParseFloat(s, 64); r < 1000 || i == len(units)-1 {
			return f.local(s) + units[i].suffix
		}
	}
}

// signed is + or the real minus sign, or nothing for a value that shows as
// zero.
func signed(v float64, s string) string {
	if strings.Trim(s, "0.,") == "" {
		return ""
	}
	if v < 0 {
		return "−"
	}
	return "+"
}

func ordinal(v float64) string {
	n := int64(math.Round(v))
	suffix := "th"
	// The suffix follows the digits, whatever the sign: −11th, −21st.
	if a := max(n, -n); a%100 < 11 || a%100 > 13 {
		switch a % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	s := strconv.FormatInt(n, 10)
	return strings.Replace(s, "-", "−", 1) + suffix
}

// sign is the real minus sign for a negative v, unless its text s shows
// as zero.
func sign(v float64, s string) string {
	if v < 0 && strings.Trim(s, "0.,") != "" {
		return "−"
	}
	return ""
}

// fixed writes y/10^decimals with the given decimals, where y is a
// non-negative value already scaled by 10^decimals. It rounds half up
// (math.Round), not to even as strconv does, so 2.5 shows as 3 here and
// in the chart script, whose Math.round does the same.
func fixed(y float64, decimals int) string {
	return strconv.FormatFloat(math.Round(y)/math.Pow10(decimals), 'f', decimals, 64)
}

// compact writes an amount with three significant figures in the largest
// unit it reaches, trailing zeros dropped: 4260000 as 4.26M, 47500000 as
// 47.5M, 20000000 as 20M, 1250000000 as 1.25B. Amounts below a thousand
// show whole units ($999). A value that rounds up to 1000 units moves up a
// unit (999,999 is 1M).
func compact(v float64) string {
	for i := unitOf(v); ; i++ {
		div := units[i].div
		s := fixed(v/div, 0)
		if i > 0 {
			// Hundredths of a million are counted as v/(div/100), an
			// exact divisor, so that 4,255,000 is exactly 425.5
			// hundredths and rounds up, here and in the chart script.
			d := sigDecimals(v / div)
			s = trimZeros(fixed(v/(div/math.Pow10(d)), d))
		}
		if r, _ := strconv.ParseFloat(s, 64); r < 1000 || i == len(units)-1 {
			return s + units[i].suffix
		}
	}
}

// sigDecimals is how many decimals give x (at least 1) three significant
// figures.
func sigDecimals(x float64) int {
	switch {
	case x < 10:
		return 2
	case x < 100:
		return 1
	}
	return 0
}

// trimZeros drops the trailing zeros of a decimal fraction, and the point
// when nothing follows it: 20.0 is 20, 1.50 is 1.5.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// HasCents reports whether v shows a non-zero fraction when rounded to
// hundredths: 1234.5 has cents, 20000000.004 has none. From 2^53
// hundredths (about 90 trillion) up a float64 holds no cents at all.
func HasCents(v float64) bool {
	h := math.Abs(v) * 100
	if !(h < 1<<53) { // also NaN
		return false
	}
	return math.Mod(math.Round(h), 100) != 0
}

// Full returns the spec a data table shows a value in when a chart shows
// it compactly: money in full ($20,412,345, not $20.4M), any other format
// as it is. Combine with ForColumn for the cents.
func (s Spec) Full() Spec {
	if s.Name == "money" {
		return Spec{Name: "money_full", Decimals: -1}
	}
	return s
}

// ForColumn returns the spec that shows every value of a column alike:
// money_full without fixed decimals shows cents in every row when any
// value has them ($1,234.50 next to $20.00), none otherwise. Other specs
// are returned as they are.
func ForColumn(sp Spec, values []float64) Spec {
	if sp.Name != "money_full" || sp.Decimals >= 0 {
		return sp
	}
	sp.Decimals = 0
	if slices.ContainsFunc(values, HasCents) {
		sp.Decimals = 2
	}
	return sp
}

// units are the steps of compact money: 850K, 20M, 1B.
var units = []struct {
	div    float64
	suffix string
}{{1, ""}, {1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}

// unitOf is the largest unit that v reaches.
func unitOf(v float64) int {
	i := 0
	for i < len(units)-1 && v >= units[i+1].div {
		i++
	}
	return i
}

// group formats v with the given decimals and the locale's separators.
// The decimal point is swapped before the groups are separated, so that a
// locale grouping with "." (de-DE) does not have a group taken for the
// decimal point: 1.234,5, not 1,234.5.
func (f *Formatter) group(v float64, decimals int) string {
	s := f.local(groupWith(v, decimals, "\x00"))
	return strings.ReplaceAll(s, "\x00", f.Group)
}

// groupWith formats v with the given decimals, thousands separated by sep
// and a "." decimal point.
func groupWith(v float64, decimals int, sep string) string {
	s := fixed(math.Abs(v)*math.Pow10(decimals), decimals)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if v < 0 && strings.Trim(out, "0.,"+sep) != "" {
		out = "−" + out
	}
	return out
}

var monthNames = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Month formats year*12+month-1 as "Mar 2022".
func Month(m int) string {
	year, month := floorDiv(m, 12)
	return fmt.Sprintf("%s %d", monthNames[month], year)
}

// Quarter formats year*4+quarter-1 as "Q2 2024".
func Quarter(q int) string {
	year, quarter := floorDiv(q, 4)
	return fmt.Sprintf("Q%d %d", quarter+1, year)
}

// floorDiv divides rounding down, so that a value before year 0 still has
// a month (or quarter) from 0 to n-1.
func floorDiv(a, n int) (q, r int) {
	q, r = a/n, a%n
	if r < 0 {
		q, r = q-1, r+n
	}
	return q, r
}
