package format

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/briefing-dev/briefing/internal/table"
)

// FuzzFormat: any format spec either parses or is refused, and a parsed
// one shows any value of any kind, or refuses it, without a panic and as
// valid UTF-8 text of bounded length (the largest float, written out in
// full with separators, is about 420 bytes).
func FuzzFormat(f *testing.F) {
	for _, s := range []struct {
		spec   string
		v      float64
		locale string
		fy     int
	}{
		{"money", 20e6, "en-US", 1}, {"percent:1", 0.241, "de-DE", 1}, {"change", 0.29, "fr-FR", 7},
		{"quarter", 2024*4 + 1, "en-US", 7}, {"month", 2022*12 + 2, "en-US", 1}, {"date", 19082, "en-GB", 1},
		{"money_full", -1e300, "en-US", 1}, {"number:6", math.MaxFloat64, "en-US", 1}, {"ordinal", -3, "en-US", 1},
		{"integer", math.NaN(), "en-US", 1}, {"pp", math.Inf(1), "en-US", 1}, {"multiple:0", 1e-300, "en-US", 1},
		{"month", -1e18, "en-US", 1}, {"quarter", 1e18, "en-US", 12}, {"date", 1e15, "en-US", 1},
		{"percent:7", 1, "xx", 13}, {"text:1", 0, "", 0}, {"money:", 1, "en-US", 1},
	} {
		f.Add(s.spec, s.v, s.locale, s.fy)
	}
	kinds := []table.Kind{table.Number, table.Money, table.Percent, table.Month, table.Quarter, table.Date, table.Text}
	f.Fuzz(func(t *testing.T, spec string, v float64, locale string, fy int) {
		sp, err := ParseSpec(spec)
		if err != nil {
			return
		}
		fm, err := New(Options{Locale: locale, FiscalStart: fy})
		if err != nil {
			return
		}
		for _, k := range kinds {
			out, err := fm.Show(sp, k, table.Value{F: v, S: spec})
			if err != nil {
				continue
			}
			if !utf8.ValidString(out) || len(out) > 1000+len(spec) {
				t.Fatalf("Show(%s, %v, %v) = %q", sp, k, v, out)
			}
			if strings.ContainsAny(out, "<>") && k != table.Text {
				t.Fatalf("Show(%s, %v, %v) = %q: markup from a number", sp, k, v, out)
			}
		}
	})
}
