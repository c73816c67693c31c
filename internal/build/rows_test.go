package build

import (
	"testing"

	"github.com/briefing-dev/briefing/internal/benchgen"
)

// TestRowEditRedrawsOneChart: on a site with a page and a chart per row,
// an edit to one row's data draws that row's chart again and takes every
// other chart from the cache.
func TestRowEditRedrawsOneChart(t *testing.T) {
	const n = 12
	ec, dir := echartsForTest(t), t.TempDir()
	fsys := mapFS(benchgen.Rows(n))
	res, st := buildWith(t, fsys, dir, Options{ECharts: ec})
	if st.Drawn != n || res.RowPages != n {
		t.Fatalf("first build: %d row pages, %+v; want %d drawn", res.RowPages, st, n)
	}
	fsys["data/item_months.csv"].Data = benchgen.EditRow(n, 7)
	res, st = buildWith(t, fsys, dir, Options{ECharts: ec})
	if st.Drawn != 1 || st.Hits != n-1 {
		t.Errorf("after an edit to one row: %+v; want 1 drawn and %d from the cache", st, n-1)
	}
	if _, ok := res.Files["item/"+benchgen.ItemName(7)+".html"]; !ok {
		t.Errorf("no page for the edited row")
	}
}
