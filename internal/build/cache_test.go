package build

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefing-dev/briefing/internal/table"
)

// The table cache keys on the source's content, not on its size and
// modification time.
func TestCacheKeysOnContent(t *testing.T) {
	noon := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{"data/t.csv": {Data: []byte("name,seats\nAcme,10\n"), ModTime: noon}}
	spec := table.Spec{Name: "t", File: "data/t.csv", Columns: map[string]table.Kind{"seats": table.Number}}
	var c Cache
	seats := func() float64 {
		t.Helper()
		tb, err := c.load(fsys, spec, table.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		return tb.Rows[0][1].F
	}
	if got := seats(); got != 10 || c.Hits != 0 {
		t.Fatalf("first load: seats %v, %d hits", got, c.Hits)
	}

	// Touched: a new modification time, the same bytes.
	fsys["data/t.csv"].ModTime = noon.Add(time.Hour)
	if got := seats(); got != 10 || c.Hits != 1 {
		t.Errorf("after touching the file: seats %v, %d hits; want the cached table (1 hit)", got, c.Hits)
	}

	// Edited within the same second to the same size: other bytes, the
	// same modification time and length.
	fsys["data/t.csv"].Data = []byte("name,seats\nAcme,90\n")
	if got := seats(); got != 90 || c.Hits != 1 {
		t.Errorf("after an edit that kept size and time: seats %v, %d hits; want 90 read again", got, c.Hits)
	}
	if got := seats(); got != 90 || c.Hits != 2 {
		t.Errorf("unchanged since: seats %v, %d hits; want a hit", got, c.Hits)
	}

	// The same file read another way is another table.
	spec.Encoding = "latin1"
	if got := seats(); got != 90 || c.Hits != 2 {
		t.Errorf("with another encoding: %d hits; want the file read again", c.Hits)
	}
}
