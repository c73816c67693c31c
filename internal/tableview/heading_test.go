package tableview

import (
	"testing"

	"github.com/briefing-dev/briefing/internal/format"
)

func TestHeading(t *testing.T) {
	for name, want := range map[string]string{
		"revenue_usd":       "Revenue (USD)",
		"monthly_spend_usd": "Monthly spend (USD)",
		"share_pct":         "Share (%)",
		"share":             "Share",
		"customer_id":       "Customer ID",
		"arr_yoy":           "ARR YoY",
		"q1_fy24":           "Q1 FY24",
		"2024_01":           "2024-01",
		"2024_q3":           "2024-Q3",
		"2024_13":           "2024 13",
		"usd":               "USD",
		"growth-rate":       "Growth rate",
		"customer":          "Customer",
		"émissions_kg":      "Émissions (kg)",
		"東京_sales":          "東京 sales",
		"":                  "",
		"_":                 "_",
	} {
		if got := Heading(name); got != want {
			t.Errorf("Heading(%q) = %q, want %q", name, got, want)
		}
	}
}

// A column's header: the table's [headers], else the site's [labels],
// else Heading.
func TestHeaderLabels(t *testing.T) {
	specs := map[string]*Spec{
		"top": parse(t, "tables/top.toml", "source = \"share\"\ncolumns = [\"customer\", \"monthly_spend_usd\", \"share\"]\n[headers]\nshare = \"Share of spend\"\n"),
	}
	SetLabels(specs, map[string]string{"monthly_spend_usd": "Spend a month", "share": "Not this one"})
	v, err := Build(specs["top"], loadTables(t), format.Default, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cellsText(v.Header), "Customer|Spend a month>|Share of spend>"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
}
