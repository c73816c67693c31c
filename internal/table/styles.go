package table

import (
	"regexp"
	"strings"
)

// numClass is what a cell's number format says its number is.
type numClass uint8

const (
	fmtNumber  numClass = iota // General, 0.00, #,##0 …
	fmtMoney                   // a currency format
	fmtPercent                 // 0%, 0.0%
	fmtDate                    // a date (with a day)
	fmtMonth                   // a date shown without its day: mmm yyyy
)

// numFormat is the meaning of one cell style (an entry of cellXfs).
type numFormat struct {
	class    numClass
	currency string // for money: an ISO code, or "$" when only the symbol says
}

// cellStyles maps a cell's style index (its s attribute) to the meaning of
// its number format. Out-of-range indexes mean a plain number.
type cellStyles []numFormat

func (s cellStyles) of(i int32) numFormat {
	if i < 0 || int(i) >= len(s) {
		return numFormat{}
	}
	return s[i]
}

// stylesDoc is the part of styles.xml that says how numbers are shown.
type stylesDoc struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

// maxStyles bounds the cell styles read; Excel allows 64,000.
const maxStyles = 65536

// readStyles reads the workbook's cell styles. A workbook without a
// styles part has none: every number is then a plain number.
func readStyles(wb *workbook) (cellStyles, error) {
	if wb.stylesPart == "" {
		return nil, nil
	}
	var doc stylesDoc
	if err := wb.decodePart(wb.stylesPart, &doc); err != nil {
		return nil, err
	}
	codes := map[int]string{}
	for _, f := range doc.NumFmts {
		codes[f.ID] = f.Code
	}
	n := min(len(doc.Xfs), maxStyles)
	out := make(cellStyles, n)
	for i, xf := range doc.Xfs[:n] {
		code, custom := codes[xf.NumFmtID]
		if custom {
			out[i] = classifyFormat(code)
		} else {
			out[i] = builtinFormat(xf.NumFmtID)
		}
	}
	return out, nil
}

// builtinFormat classifies the format IDs every spreadsheet program knows
// without writing them down: 5–8 currency (in the locale's currency),
// 9–10 percent, 14–17 and 22 dates (17, mmm-yy, a month), 27–36 and
// 50–58 East Asian dates. 18–21 and 45–47 are times of day, read as
// numbers.
func builtinFormat(id int) numFormat {
	switch {
	case id >= 5 && id <= 8:
		return numFormat{class: fmtMoney}
	case id == 9 || id == 10:
		return numFormat{class: fmtPercent}
	case id == 17:
		return numFormat{class: fmtMonth}
	case id >= 14 && id <= 16, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return numFormat{class: fmtDate}
	}
	return numFormat{}
}

var (
	// bracketed is a [...] section: a colour, a condition, a locale or a
	// currency ([$€-407], [$USD]).
	bracketed = regexp.MustCompile(`\[[^\]]*\]`)
	quoted    = regexp.MustCompile(`"[^"]*"`)
	escaped   = regexp.MustCompile(`\\.|_.|\*.`)
)

// currencySymbols maps the symbols formats carry to ISO codes.
var currencySymbols = map[string]string{
	"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
	"US$": "USD", "CA$": "CAD", "A$": "AUD", "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "CHF": "CHF", "Fr.": "CHF", "kr": "SEK",
	"$": "$",
}

// dollarLocales names the currency of $ in a few locale IDs of [$$-LCID].
var dollarLocales = map[string]string{"409": "USD", "1009": "CAD", "C09": "AUD", "1409": "NZD", "C04": "HKD", "1004": "SGD", "80A": "MXN"}

// classifyFormat reads a format code such as [$$-409]#,##0.00, 0.0%,
// "$"#,##0 or yyyy-mm-dd. Only the first section (positive numbers) is
// read. A currency symbol makes money; % makes a percent; a year or day
// makes a date, and a year and month without a day a month.
func classifyFormat(code string) numFormat {
	section := firstSection(code)
	for _, m := range bracketed.FindAllString(section, -1) {
		if cur, ok := bracketCurrency(m); ok {
			return numFormat{class: fmtMoney, currency: cur}
		}
	}
	for _, q := range quoted.FindAllString(section, -1) {
		if cur, ok := symbolCurrency(strings.Trim(q, `"`)); ok {
			return numFormat{class: fmtMoney, currency: cur}
		}
	}
	bare := escaped.ReplaceAllString(quoted.ReplaceAllString(bracketed.ReplaceAllString(section, ""), ""), "")
	if cur, ok := symbolCurrency(bare); ok {
		return numFormat{class: fmtMoney, currency: cur}
	}
	if strings.Contains(bare, "%") {
		return numFormat{class: fmtPercent}
	}
	lower := strings.ReplaceAll(strings.ToLower(bare), "general", "")
	hasY, hasD := strings.Contains(lower, "y"), strings.Contains(lower, "d")
	switch {
	case hasY && strings.Contains(lower, "m") && !hasD:
		return numFormat{class: fmtMonth}
	case hasY || hasD:
		return numFormat{class: fmtDate}
	}
	return numFormat{}
}

// firstSection returns the format's first ;-separated section, ignoring
// semicolons inside quotes.
func firstSection(code string) string {
	in := false
	for i, r := range code {
		switch {
		case r == '"':
			in = !in
		case r == ';' && !in:
			return code[:i]
		}
	}
	return code
}

// bracketCurrency reads [$SYM-LCID] or [$SYM]; [$-409] names only a
// locale and is no currency.
func bracketCurrency(b string) (string, bool) {
	inner, ok := strings.CutPrefix(strings.Trim(b, "[]"), "$")
	if !ok {
		return "", false
	}
	sym, lcid, _ := strings.Cut(inner, "-")
	if sym == "" {
		return "", false
	}
	if sym == "$" {
		if cur, ok := dollarLocales[strings.ToUpper(lcid)]; ok {
			return cur, true
		}
		return "$", true
	}
	if cur, ok := currencySymbols[sym]; ok {
		return cur, true
	}
	return sym, true // an ISO code ([$CHF]) or a symbol we do not map
}

// symbolCurrency finds a currency symbol in literal text.
func symbolCurrency(s string) (string, bool) {
	for _, sym := range []string{"US$", "CA$", "A$", "HK$", "NZ$", "S$", "€", "£", "¥", "₹", "₩", "₽", "₺", "$"} {
		if strings.Contains(s, sym) {
			return currencySymbols[sym], true
		}
	}
	return "", false
}

// dollars are the currencies written with a bare $.
var dollars = map[string]bool{"USD": true, "CAD": true, "AUD": true, "NZD": true, "HKD": true, "SGD": true, "MXN": true}

// sameCurrency reports whether a workbook's currency (an ISO code, or "$"
// for a bare dollar sign) is the site's.
func sameCurrency(workbook, site string) bool {
	if workbook == "" || site == "" {
		return true
	}
	if workbook == "$" {
		return dollars[strings.ToUpper(site)]
	}
	return strings.EqualFold(workbook, site)
}
