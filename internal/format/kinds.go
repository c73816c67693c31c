package format

import (
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/briefing-dev/briefing/internal/table"
)

// separators returns the thousands and decimal separators of a locale.
// Languages that group with a point use a comma for decimals; those that
// group with a space use a narrow no-break space.
func separators(locale string) (group, decimal string, err error) {
	if locale == "" {
		return ",", ".", nil
	}
	tag, err := language.Parse(locale)
	if err != nil {
		return "", "", fmt.Errorf("locale %q: %v", locale, err)
	}
	base, _ := tag.Base()
	region, _ := tag.Region()
	switch base.String() {
	case "de", "es", "it", "nl", "pt", "id", "tr", "da", "el", "ro", "hr", "sl", "sr", "vi":
		if base.String() == "de" && (region.String() == "CH" || region.String() == "LI") {
			return "’", ".", nil
		}
		return ".", ",", nil
	case "fr", "ru", "sv", "nb", "no", "fi", "pl", "cs", "sk", "uk", "hu", "bg", "lt", "lv", "et":
		return "\u202f", ",", nil
	}
	return ",", ".", nil
}

// Month formats year*12+month-1 as "Mar 2022".
func (f *Formatter) Month(m int) string { return Month(m) }

// Quarter formats a calendar quarter (year*4+quarter-1). With a fiscal year
// that starts in another month than January it names the fiscal quarter
// and year by the year the fiscal year ends in: with July as the start,
// April–June 2024 is "Q4 FY24".
func (f *Formatter) Quarter(q int) string {
	if f.FiscalStart <= 1 {
		return Quarter(q)
	}
	year, quarter := floorDiv(q, 4)
	month := quarter*3 + 1
	fq := (month-f.FiscalStart+12)%12/3 + 1
	fy := year
	if month >= f.FiscalStart {
		fy++
	}
	return fmt.Sprintf("Q%d FY%02d", fq, fy%100)
}

// Date formats days since 1970-01-01 as "Mar 31, 2022".
func (f *Formatter) Date(days int) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format("Jan 2, 2006")
}

// Show formats a table value of kind k with sp, refusing a format that
// does not fit the kind (a month shown as money, a number shown as a
// quarter).
func (f *Formatter) Show(sp Spec, k table.Kind, v table.Value) (string, error) {
	if v.Null {
		return "", fmt.Errorf("no value to show")
	}
	if !inCalendar(k, v.F) {
		return "", fmt.Errorf("%v is not a %s between the years 1 and 9999", table.Format(table.Number, v), k)
	}
	switch {
	case sp.Numeric() && k.IsNumeric():
		return f.Number(sp, v.F)
	case sp.Name == "month" && k == table.Month:
		return f.Month(int(v.F)), nil
	case sp.Name == "quarter" && k == table.Quarter:
		return f.Quarter(int(v.F)), nil
	case sp.Name == "date" && k == table.Date:
		return f.Date(int(v.F)), nil
	case sp.Name == "text" && k == table.Text:
		return v.S, nil
	case sp.Name == "text":
		return table.Format(k, v), nil
	}
	return "", fmt.Errorf("format %s does not fit a %s value", sp, k)
}

// inCalendar reports whether a month, quarter or date value falls in the
// years 1 to 9999 (other kinds are always in range): a figure computed by
// an expression may hold any number.
func inCalendar(k table.Kind, f float64) bool {
	perYear := map[table.Kind]float64{table.Month: 12, table.Quarter: 4}[k]
	switch {
	case k == table.Date:
		return f >= -719162 && f < 2932897 // 0001-01-01 to 9999-12-31 in days since 1970
	case perYear > 0:
		return f >= perYear && f < 10000*perYear
	}
	return true
}

// Check reports whether sp can show values of kind k.
func Check(sp Spec, k table.Kind) error {
	probe := table.Value{F: 2022 * 12, S: "x"} // a value every kind can hold: Jan 2022, a quarter, a date, a number
	_, err := Default.Show(sp, k, probe)
	return err
}

// ForKind names the format a value of kind k gets when a figure, a table
// column or a chart names none: money as money, a month as a month, text
// as it is. It is the one place that default is decided.
func ForKind(k table.Kind) string {
	switch k {
	case table.Money:
		return "money"
	case table.Percent:
		return "percent"
	case table.Month:
		return "month"
	case table.Quarter:
		return "quarter"
	case table.Date:
		return "date"
	case table.Text:
		return "text"
	}
	return "number"
}
