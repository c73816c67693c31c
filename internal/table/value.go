package table

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// cellInput is one raw cell handed to Parse.
type cellInput struct {
	text     string
	serial   bool // the text is a spreadsheet number, so dates may be serials
	date1904 bool
}

// parse converts raw cell text to a value of kind k. The error says what
// was expected; the caller adds the position.
func parse(k Kind, in cellInput, col string) (Value, error) {
	s := strings.TrimSpace(in.text)
	if s == "" {
		return Value{Null: true}, nil
	}
	bad := func(what string) (Value, error) {
		return Value{}, fmt.Errorf("%q is not %s (column %q is %s)", in.text, what, col, k)
	}
	switch k {
	case Text:
		return Value{S: in.text}, nil
	case Number, Money:
		f, ok := parseNumber(s, k == Money)
		if !ok {
			return bad("a number")
		}
		return Value{F: f}, nil
	case Percent:
		if rest, ok := strings.CutSuffix(s, "%"); ok {
			f, ok := parseNumber(strings.TrimSpace(rest), false)
			if !ok {
				return bad("a percentage")
			}
			return Value{F: f / 100}, nil
		}
		f, ok := parseNumber(s, false)
		if !ok {
			return bad("a percentage")
		}
		return Value{F: f}, nil
	case Date, Month:
		t, ok := parseTime(s, in)
		if !ok {
			if k == Month {
				return bad("a month (2022-03, Mar 2022 or a date)")
			}
			return bad("a date (2022-03-31)")
		}
		if k == Month {
			return Value{F: float64(t.Year()*12 + int(t.Month()) - 1)}, nil
		}
		// Whole days from the Unix seconds: t.Sub(epoch) would saturate
		// at about 292 years and turn 9999-12-31 into 2262-04-11.
		return Value{F: float64(floorDiv(t.Unix(), 86400))}, nil
	case Quarter:
		q, ok := parseQuarter(s)
		if !ok {
			return bad("a quarter (2024-Q2 or Q2 2024)")
		}
		return Value{F: float64(q)}, nil
	}
	return bad("a value")
}

// parseNumber accepts 1234.5, 1,234.5, -3, 1e6 and, for money, a leading
// currency symbol.
func parseNumber(s string, money bool) (float64, bool) {
	if money {
		for _, sym := range []string{"$", "€", "£", "¥"} {
			if rest, ok := strings.CutPrefix(s, sym); ok {
				s = rest
				break
			}
		}
	}
	if strings.Contains(s, ",") {
		if !groupedOK(s) {
			return 0, false
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// groupedOK checks that commas group digits in threes: 1,234,567.8.
func groupedOK(s string) bool {
	intPart, _, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

var timeLayouts = []string{"2006-01-02", "2006-01", "Jan 2006", "January 2006", "2006-01-02T15:04:05", "2006/01/02"}

func parseTime(s string, in cellInput) (time.Time, bool) {
	if in.serial {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return serialToTime(f, in.date1904)
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// serialToTime converts a spreadsheet date serial. The 1900 system counts
// from 1899-12-30 for every date after February 1900 (Excel's phantom
// 1900-02-29 is the reason); the 1904 system counts from 1904-01-01.
func serialToTime(f float64, date1904 bool) (time.Time, bool) {
	if f < 1 || f > 2958465 || math.IsNaN(f) {
		return time.Time{}, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if f < 61 {
		base = base.AddDate(0, 0, 1)
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// parseQuarter accepts 2024-Q2, 2024Q2, 2024 Q2, Q2 2024 and Q2-2024, in
// either case, and nothing before or after them.
func parseQuarter(s string) (int, bool) {
	m := quarterRE.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0, false
	}
	y, q := m[1]+m[4], m[2]+m[3]
	year, _ := strconv.Atoi(y)
	qq, _ := strconv.Atoi(q)
	if year < 1000 {
		return 0, false
	}
	return year*4 + qq - 1, true
}

var quarterRE = regexp.MustCompile(`^(?:(\d{4})\s*-?\s*Q0?([1-4])|Q0?([1-4])\s*-?\s*(\d{4}))$`)

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
