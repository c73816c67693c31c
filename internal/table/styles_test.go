package table

import "testing"

// TestClassifyFormat covers the format codes Excel, LibreOffice and
// openpyxl write, and the built-in IDs.
func TestClassifyFormat(t *testing.T) {
	for _, c := range []struct {
		code     string
		class    numClass
		currency string
	}{
		{"General", fmtNumber, ""},
		{"0.00", fmtNumber, ""},
		{"#,##0", fmtNumber, ""},
		{"[$$-409]#,##0.00", fmtMoney, "USD"},
		{"[$$-1009]#,##0", fmtMoney, "CAD"},
		{`#,##0\ [$€-407]`, fmtMoney, "EUR"},
		{"[$CHF] #,##0.00", fmtMoney, "CHF"},
		{`"$"#,##0`, fmtMoney, "$"},
		{"$#,##0_);($#,##0)", fmtMoney, "$"},
		{`£#,##0.00;[Red]-£#,##0.00`, fmtMoney, "GBP"},
		{"0.0%", fmtPercent, ""},
		{`0.0"%"`, fmtNumber, ""}, // a literal % sign does not scale the number
		{"yyyy-mm-dd", fmtDate, ""},
		{`yyyy\-mm\-dd`, fmtDate, ""},
		{"[$-409]mmmm d, yyyy", fmtDate, ""}, // [$-409] is a locale, not a currency
		{`mmm\ yyyy`, fmtMonth, ""},
		{`mmmm" "yyyy`, fmtMonth, ""},
		{"[hh]:mm:ss", fmtNumber, ""}, // a duration
		{"h:mm AM/PM", fmtNumber, ""},
		{`[$-411]ggge"年"m"月"d"日"`, fmtDate, ""},
		{`0.00;"Total: "0.00`, fmtNumber, ""}, // only the first section counts
	} {
		got := classifyFormat(c.code)
		if got.class != c.class || got.currency != c.currency {
			t.Errorf("classifyFormat(%q) = %+v, want class %d currency %q", c.code, got, c.class, c.currency)
		}
	}
	for id, want := range map[int]numClass{0: fmtNumber, 3: fmtNumber, 5: fmtMoney, 8: fmtMoney, 9: fmtPercent, 10: fmtPercent,
		14: fmtDate, 17: fmtMonth, 20: fmtNumber, 22: fmtDate, 49: fmtNumber} {
		if got := builtinFormat(id).class; got != want {
			t.Errorf("builtinFormat(%d) = %d, want %d", id, got, want)
		}
	}
}

func TestSameCurrency(t *testing.T) {
	for _, c := range []struct {
		book, site string
		want       bool
	}{{"USD", "USD", true}, {"$", "CAD", true}, {"$", "EUR", false}, {"EUR", "USD", false}, {"", "USD", true}, {"eur", "EUR", true}} {
		if got := sameCurrency(c.book, c.site); got != c.want {
			t.Errorf("sameCurrency(%q, %q) = %v", c.book, c.site, got)
		}
	}
}
