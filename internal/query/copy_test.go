package query

import (
	"testing"

	"github.com/briefing-dev/briefing/internal/table"
)

// TestCopiesOnlyTablesRead: of three tables, SQLite gets only those a
// query reads, each once, including one named in a form the reference
// scan does not read (main.NAME), which SQLite reports missing.
func TestCopiesOnlyTablesRead(t *testing.T) {
	tables := map[string]*table.Table{}
	for _, name := range []string{"north", "South", "west"} {
		tb := table.New(name, "data/"+name+".csv", 1, []table.Column{{Name: "v", Kind: table.Number}})
		tb.Append([]table.Value{{F: 2}})
		tables[name] = tb
	}
	db, err := Open(tables)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.copied != 0 {
		t.Fatalf("Open copied %d tables, want none before a query", db.copied)
	}
	for i, q := range []string{
		"SELECT v FROM north",
		"SELECT n.v + s.v AS v FROM north n JOIN south s",
		"SELECT v FROM main.west",
		"WITH x AS (SELECT 1 AS v) SELECT v FROM x",
	} {
		res, err := db.Run(src("q", q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(res.Rows) != 1 {
			t.Errorf("%s: %d rows, want 1", q, len(res.Rows))
		}
		if want := []int{1, 2, 3, 3}[i]; db.copied != want {
			t.Errorf("after %s: %d tables copied, want %d", q, db.copied, want)
		}
	}
	if _, err := db.Run(src("q", "SELECT v FROM nowhere")); err == nil {
		t.Error("a query of a table that does not exist ran")
	}
}
