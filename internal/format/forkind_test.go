package format

import (
	"testing"

	"github.com/briefing-dev/briefing/internal/table"
)

// Every kind's default format shows values of that kind, and keeps what
// the kind says: money as money, a month as a month, text as text.
func TestForKindFitsTheKind(t *testing.T) {
	want := map[table.Kind]string{
		table.Text: "text", table.Number: "number", table.Money: "money", table.Percent: "percent",
		table.Month: "month", table.Quarter: "quarter", table.Date: "date",
	}
	for k, name := range want {
		got := ForKind(k)
		if got != name {
			t.Errorf("ForKind(%s) = %q, want %q", k, got, name)
		}
		sp, err := ParseSpec(got)
		if err != nil {
			t.Errorf("ForKind(%s) = %q: %v", k, got, err)
			continue
		}
		if err := Check(sp, k); err != nil {
			t.Errorf("ForKind(%s) = %q does not fit: %v", k, got, err)
		}
	}
}
