package table

import "testing"

// TestHeading checks the headers readers see for the column names SQL and
// spreadsheets give, in tables and in the first column of a chart's data
// table alike.
func TestHeading(t *testing.T) {
	for name, want := range map[string]string{
		"revenue_usd":    "Revenue (USD)",
		"customer_id":    "Customer ID",
		"2024_01":        "2024-01",
		"arr_yoy":        "ARR YoY",
		"monthly_spend":  "Monthly spend",
		"share_pct":      "Share (%)",
		"":               "",
		"region":         "Region",
		"q1_fy24_amount": "Q1 FY24 amount",
	} {
		if got := Heading(name); got != want {
			t.Errorf("Heading(%q) = %q, want %q", name, got, want)
		}
	}
}
