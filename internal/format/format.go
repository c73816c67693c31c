// Package format turns numbers into the strings a business reader expects:
// $20M, $1.0B, 24.1%, 1,234. The same rules ship to the browser in the
// chart script (assets/briefing.js), so a chart's axis and tooltip show the
// same strings as the prose; charts select a rule by name, never by code.
package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Names lists the formats a chart or table may name.
var Names = []string{"number", "integer", "money", "money_full", "percent", "plain"}

// Valid reports whether name is a known format.
func Valid(name string) bool {
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	return false
}

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

// Value formats v with the named format. Unknown names format as number.
func Value(name string, v float64, currency string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	switch name {
	case "integer":
		return group(v, 0)
	case "money":
		s := compact(math.Abs(v))
		return sign(v, s) + Symbol(currency) + s
	case "money_full":
		s := group(math.Abs(v), 0)
		return sign(v, s) + Symbol(currency) + s
	case "percent":
		s := strings.TrimSuffix(fixed(math.Abs(v)*100*10, 1), ".0")
		return sign(v, s) + s + "%"
	case "plain":
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if v == math.Trunc(v) {
		return group(v, 0)
	}
	return group(v, 1)
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

// compact writes 20000000 as 20M and 1e9 as 1.0B: one decimal below ten
// units, none above; a value that rounds up to 1000 units moves up a unit.
func compact(v float64) string {
	units := []struct {
		div    float64
		suffix string
	}{{1, ""}, {1e3, "K"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}
	i := 0
	for i < len(units)-1 && v >= units[i+1].div {
		i++
	}
	for {
		div := units[i].div
		s := fixed(v/div, 0)
		if v/div < 10 && i > 0 {
			// Tenths are counted as v/(div/10), so that 9,950,000 is
			// exactly 99.5 tenths of a million and rounds up.
			if s = fixed(v/(div/10), 1); s == "10.0" {
				s = "10" // rounds up to ten units: no decimal
			}
		}
		if r, _ := strconv.ParseFloat(s, 64); r >= 1000 && i < len(units)-1 {
			i++
			continue
		}
		return s + units[i].suffix
	}
}

// group formats v with the given decimals and thousands separators.
func group(v float64, decimals int) string {
	s := fixed(math.Abs(v)*math.Pow10(decimals), decimals)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if v < 0 && strings.Trim(out, "0.,") != "" {
		out = "−" + out
	}
	return out
}

var monthNames = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Month formats year*12+month-1 as "Mar 2022".
func Month(m int) string { return fmt.Sprintf("%s %d", monthNames[m%12], m/12) }

// Quarter formats year*4+quarter-1 as "Q2 2024".
func Quarter(q int) string { return fmt.Sprintf("Q%d %d", q%4+1, q/4) }
