package query

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

const endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r)"

func limitedDB(t *testing.T, lim Limits) *DB {
	t.Helper()
	db, err := Open(loadFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SetLimits(lim); err != nil {
		t.Fatal(err)
	}
	return db
}

// runLimited runs sql as if from line 3, column 8 of figures.toml and
// returns the positioned error it must fail with.
func runLimited(t *testing.T, db *DB, sql string) *diag.Error {
	t.Helper()
	_, err := db.Run(Source{Name: "runaway", File: "figures.toml", Line: 3, Col: 8, SQL: sql})
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *diag.Error", err)
	}
	if want := (diag.Pos{File: "figures.toml", Line: 3, Col: 8}); de.Pos != want || de.Kind != diag.Query {
		t.Errorf("error at %v (kind %v), want %v (query)", de.Pos, de.Kind, want)
	}
	return de
}

// A recursive query without an end is interrupted at the timeout; the
// database is left as it was, ready for the next query.
func TestTimeoutInterruptsEndlessQuery(t *testing.T) {
	db := limitedDB(t, Limits{Timeout: 20 * time.Millisecond, MaxRows: 10, MaxBytes: 1 << 20})
	de := runLimited(t, db, endless+" SELECT count(*) FROM r")
	if !strings.Contains(de.Msg, "stopped after 20ms, the limit (set queries.timeout in site.toml)") {
		t.Errorf("message %q does not name the limit", de.Msg)
	}
	tb, err := db.Run(Source{Name: "after", File: "queries/after.sql", Line: 1, SQL: "SELECT count(*) AS n FROM spend"})
	if err != nil || tb.Rows[0][0].F != 5 {
		t.Errorf("the next query: %v, %v", tb, err)
	}
}

// Without count, the endless query stops at the row cap, not at the
// machine's memory.
func TestMaxRowsStopsEndlessQuery(t *testing.T) {
	db := limitedDB(t, Limits{Timeout: time.Hour, MaxRows: 1000, MaxBytes: 1 << 30})
	de := runLimited(t, db, endless+" SELECT n FROM r")
	if !strings.Contains(de.Msg, "more than 1000 rows, the limit (set queries.max_rows") {
		t.Errorf("message %q does not name the limit", de.Msg)
	}
}

func TestMaxRowsAllowsTheLimit(t *testing.T) {
	db := limitedDB(t, Limits{Timeout: time.Hour, MaxRows: 1000, MaxBytes: 1 << 30})
	tb, err := db.Run(Source{Name: "ok", File: "q.sql", Line: 1, SQL: endless + " SELECT n FROM r LIMIT 1000"})
	if err != nil || len(tb.Rows) != 1000 {
		t.Errorf("got %v, %v", tb, err)
	}
}

func TestMaxBytes(t *testing.T) {
	db := limitedDB(t, Limits{Timeout: time.Hour, MaxRows: 1 << 30, MaxBytes: 1 << 20})
	for name, sql := range map[string]string{
		// One value larger than the limit, built inside SQLite.
		"one value": endless + " SELECT group_concat(printf('%.100c', 'x')) FROM (SELECT n FROM r LIMIT 20000)",
		"a blob":    "SELECT randomblob(2000000)",
		// Many small rows that add up to more than the limit.
		"many rows": endless + " SELECT printf('%.1000c', 'x') AS s FROM r",
	} {
		t.Run(name, func(t *testing.T) {
			de := runLimited(t, db, sql)
			if !strings.Contains(de.Msg, "needs more than 1MiB, the limit (set queries.max_memory in site.toml)") {
				t.Errorf("message %q does not name the limit", de.Msg)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{256 << 20: "256MiB", 1 << 30: "1GiB", 3 << 10: "3KiB", 1536: "1536 bytes", 1000: "1000 bytes"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// The default timeout is short for a small briefing and grows with the
// rows in its tables, derived tables included: counted, not timed.
func TestDefaultTimeoutGrowsWithRows(t *testing.T) {
	tables := loadFixture(t)
	rows := 0
	for _, tb := range tables {
		rows += len(tb.Rows)
	}
	db := limitedDB(t, DefaultLimits)
	if got, want := db.timeout(), 500*time.Millisecond+time.Duration(rows)*100*time.Microsecond; got != want {
		t.Errorf("timeout with %d rows: %v, want %v", rows, got, want)
	}
	big := table.New("big", "data/big.csv", 1, []table.Column{{Name: "n", Kind: table.Number}})
	for i := range 100_000 {
		big.Append([]table.Value{{F: float64(i)}})
	}
	if err := db.Add(big); err != nil {
		t.Fatal(err)
	}
	if got, want := db.timeout(), 10500*time.Millisecond+time.Duration(rows)*100*time.Microsecond; got != want {
		t.Errorf("timeout with %d rows: %v, want %v", rows+100_000, got, want)
	}
	// A timeout the site sets is the whole of it.
	db.SetLimits(Limits{Timeout: 3 * time.Second, MaxRows: 10, MaxBytes: 1 << 20})
	if got := db.timeout(); got != 3*time.Second {
		t.Errorf("a set timeout: %v, want 3s", got)
	}
}
