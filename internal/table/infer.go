package table

import (
	"regexp"
	"strings"
	"time"
)

// Where a column's kind came from, as `briefing describe` shows it.
const (
	FromDeclared = "declared"      // site.toml's columns (a name or a pattern)
	FromFormat   = "number format" // the cells' number format in the workbook
	FromValues   = "values"        // the values themselves
)

// cellInfo is what a loader knows about a cell beyond its text.
type cellInfo struct {
	numeric bool // a spreadsheet number (not a text cell)
	format  numFormat
}

// kindSet is a set of kinds, one bit per Kind.
type kindSet uint8

func (s kindSet) has(k Kind) bool { return s&(1<<k) != 0 }

// inferOrder is the order in which a column's candidate kinds are tried:
// the first kind that every value fits wins.
var inferOrder = []Kind{Number, Money, Percent, Date, Month, Quarter}

// guess collects the evidence about one undeclared column while the rows
// stream in; kind decides once they are all in. The rules (README "How
// columns get their kinds"):
//
//   - In a workbook, a column whose cells are all numbers takes its kind
//     from their number formats: currency → money, % → percent, a date
//     format → date (month when the format shows no day). Formats that
//     disagree, or none, make it a number.
//   - Otherwise (CSV, TOML, text cells) every value must fit one kind, tried
//     in order: number (1234.5, 1,234.5, -3; no leading zeros, so 007
//     stays text), money ($1,234; plain numbers may mix in), percent
//     (12.5%), date (2022-03-31, 2022/03/31), month (2022-03, Mar 2022),
//     quarter (2024-Q2). Anything else, or a mix, is text.
//   - Empty cells say nothing; a column with no values is text.
type guess struct {
	values   kindSet // kinds every value seen so far fits
	seen     int     // non-empty cells
	text     bool    // some cell was text, not a spreadsheet number
	formats  [fmtMonth + 1]int
	currency string // of the first money-formatted cell
	curRow   int    // that cell's row, for the warning
}

func newGuess() *guess { return &guess{values: ^kindSet(0)} }

// observe adds one non-empty cell.
func (g *guess) observe(text string, info cellInfo, row int) {
	g.seen++
	g.values &= textKinds(strings.TrimSpace(text))
	if !info.numeric {
		g.text = true
		return
	}
	g.formats[info.format.class]++
	if info.format.class == fmtMoney && g.currency == "" {
		g.currency, g.curRow = info.format.currency, row
	}
}

// kind decides, and says from what.
func (g *guess) kind() (Kind, string) {
	if g.seen == 0 {
		return Text, FromValues
	}
	if !g.text {
		if k, ok := g.fromFormats(); ok {
			return k, FromFormat
		}
		return Number, FromValues
	}
	for _, k := range inferOrder {
		if g.values.has(k) {
			return k, FromValues
		}
	}
	return Text, FromValues
}

// fromFormats picks the one kind the formatted cells agree on; plain
// numbers (General) may mix in. A date column with a month-only cell is
// a date.
func (g *guess) fromFormats() (Kind, bool) {
	var kinds []Kind
	if g.formats[fmtMoney] > 0 {
		kinds = append(kinds, Money)
	}
	if g.formats[fmtPercent] > 0 {
		kinds = append(kinds, Percent)
	}
	switch {
	case g.formats[fmtDate] > 0:
		kinds = append(kinds, Date)
	case g.formats[fmtMonth] > 0:
		kinds = append(kinds, Month)
	}
	if len(kinds) != 1 {
		return Number, false
	}
	return kinds[0], true
}

var (
	plainNumber = regexp.MustCompile(`^[-+]?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$|^[-+]?0?\.\d+$`)
	isoDate     = regexp.MustCompile(`^\d{4}[-/]\d{2}[-/]\d{2}(?:T\d{2}:\d{2}:\d{2})?$`)
	isoMonth    = regexp.MustCompile(`^\d{4}-\d{2}$`)
)

// textKinds returns the kinds one value fits, by the rules of guess.
func textKinds(s string) kindSet {
	var set kindSet
	add := func(k Kind) { set |= 1 << k }
	switch {
	case plainNumber.MatchString(s):
		add(Number)
		add(Money)
	case hasCurrencyPrefix(s):
		add(Money)
	case strings.HasSuffix(s, "%") && plainNumber.MatchString(strings.TrimSpace(strings.TrimSuffix(s, "%"))):
		add(Percent)
	case isoDate.MatchString(s):
		if _, ok := parseTime(s, cellInput{}); ok {
			add(Date)
		}
	case isoMonth.MatchString(s) || isMonthName(s):
		if _, ok := parseTime(s, cellInput{}); ok {
			add(Month)
		}
	default:
		if _, ok := parseQuarter(s); ok {
			add(Quarter)
		}
	}
	return set
}

func hasCurrencyPrefix(s string) bool {
	for _, sym := range []string{"$", "€", "£", "¥"} {
		if rest, ok := strings.CutPrefix(s, sym); ok {
			return plainNumber.MatchString(rest)
		}
	}
	return false
}

func isMonthName(s string) bool {
	for _, l := range []string{"Jan 2006", "January 2006"} {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

// textCell is the info of every cell of a text file.
func textCell(int) cellInfo { return cellInfo{} }
