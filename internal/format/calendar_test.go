package format

import (
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/table"
)

// Found by FuzzFormat: a month or quarter below zero (a figure computed by
// an expression, typed month) indexed the month names with a negative
// number and crashed the build.
func TestMonthQuarterBeforeYearZero(t *testing.T) {
	if got := Month(-1); got != "Dec -1" {
		t.Errorf("Month(-1) = %q", got)
	}
	if got := Quarter(-1); got != "Q4 -1" {
		t.Errorf("Quarter(-1) = %q", got)
	}
	fy := &Formatter{FiscalStart: 7}
	if got := fy.Quarter(-1); got != "Q2 FY00" {
		t.Errorf("fiscal Quarter(-1) = %q", got)
	}
}

func TestShowRefusesValuesOutsideTheCalendar(t *testing.T) {
	for _, c := range []struct {
		spec string
		k    table.Kind
		v    float64
	}{
		{"month", table.Month, -5}, {"month", table.Month, 1e300}, {"quarter", table.Quarter, 40000},
		{"date", table.Date, 1e15}, {"text", table.Month, -1e18},
	} {
		sp, _ := ParseSpec(c.spec)
		if _, err := Default.Show(sp, c.k, table.Value{F: c.v}); err == nil || !strings.Contains(err.Error(), "between the years 1 and 9999") {
			t.Errorf("Show(%s, %v, %v): %v", c.spec, c.k, c.v, err)
		}
	}
	sp, _ := ParseSpec("month")
	if got, err := Default.Show(sp, table.Month, table.Value{F: 12}); err != nil || got != "Jan 1" {
		t.Errorf("Show(month, Jan 1) = %q, %v", got, err)
	}
}
