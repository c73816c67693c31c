package preview

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/table"
)

// TestDataView checks /_briefing/data and /_briefing/data.json: every
// table with its columns and kinds, as briefing describe shows them, and
// a hostile value shown as text.
func TestDataView(t *testing.T) {
	dir := copySite(t, "../build/testdata/golden/site")
	csv := filepath.Join(dir, "data/sales.csv")
	src, _ := os.ReadFile(csv)
	os.WriteFile(csv, []byte(strings.Replace(string(src), "2023-Q4,South,", "2023-Q4,<script>alert(1)</script>,", 1)), 0o644)
	srv, err := New(dir, build.Options{ECharts: echarts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Build(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	code, body := get(t, ts.URL+"/_briefing/data.json")
	var list []table.Summary
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil {
		t.Fatalf("GET /_briefing/data.json = %d, %v:\n%s", code, err, body)
	}
	kinds := map[string]string{}
	for _, s := range list {
		for _, c := range s.Columns {
			kinds[s.Name+"."+c.Name] = c.Kind + " (" + c.From + ")"
		}
	}
	for col, want := range map[string]string{
		"sales.quarter": "quarter (declared)", "sales.region": "text (values)", "sales.revenue": "money (declared)",
	} {
		if kinds[col] != want {
			t.Errorf("%s: %q, want %q (all: %v)", col, kinds[col], want, kinds)
		}
	}
	if list[0].Name != "sales" || list[0].Origin.File != "data/sales.csv" || list[0].Rows == 0 {
		t.Errorf("first table %+v, want sales from data/sales.csv", list[0])
	}

	code, page := get(t, ts.URL+"/_briefing/data")
	if code != 200 || !strings.Contains(page, "<h2>sales</h2>") || !strings.Contains(page, "<code>revenue</code>") {
		t.Fatalf("GET /_briefing/data = %d:\n%s", code, page)
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a value in the data view is not escaped")
	}
}
