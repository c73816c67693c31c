package source_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/source"
)

// sqliteWarehouse writes the fixture into a SQLite database file, a
// source that needs no server, and returns its path.
func sqliteWarehouse(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "wh.db")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{"CREATE TABLE spend (month DATE, customer TEXT, region TEXT, amount NUMERIC)"}
	for _, r := range spendRows() {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO spend VALUES ('%s', '%s', '%s', %s)", r[0], r[1], r[2], r[3]))
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func sqliteEnv(path string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if k == "WH_DSN" && path != "" {
			return path, true
		}
		return "", false
	}
}

// snapshotSite is a briefing on a SQLite source: one query file, one
// [data] source table, figures and a page.
func snapshotSite(t *testing.T, offline string) string {
	return writeSite(t, map[string]string{
		"site.toml": "title = \"T\"\n[sources.wh]\ndriver = \"sqlite\"\ndsn_env = \"WH_DSN\"\n" + offline +
			"\n[data.customers]\nsource = \"wh\"\nsql = \"SELECT customer, SUM(amount) AS spend FROM spend GROUP BY customer ORDER BY customer\"\n[data.customers.columns]\nspend = \"money\"\n",
		"queries/by_region.sql": "-- source: wh\n-- spend: money\n" + byRegionSQL,
		"figures.toml":          "[total]\nsql = \"SELECT SUM(spend) FROM by_region\"\n[top]\nsql = \"SELECT customer FROM customers ORDER BY spend DESC LIMIT 1\"\n",
		"content/index.md":      "+++\ntitle = \"Spend\"\n+++\n\nTotal {{fig total}}; {{fig top}} spends most.\n",
	})
}

func refresh(t *testing.T, dir string, env func(string) (string, bool), at time.Time, names ...string) error {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	snaps, err := build.Refresh(root.FS(), build.Options{Sources: source.Options{Env: env}}, names, at)
	if err != nil {
		return err
	}
	return source.WriteSnapshots(root, snaps)
}

// snapshotFiles reads every file of snapshots/.
func snapshotFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	sub := os.DirFS(filepath.Join(dir, source.SnapshotDir))
	err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[p], err = fs.ReadFile(sub, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var taken = time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)

// Refresh writes a snapshot per source query; builds from them are
// byte-identical to each other and to a build from the database.
func TestRefreshThenOffline(t *testing.T) {
	db := sqliteWarehouse(t)
	dir := snapshotSite(t, "")
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	files := snapshotFiles(t, dir)
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, []string{"by_region.csv", "by_region.toml", "customers.csv", "customers.toml"}) {
		t.Fatalf("snapshots/ holds %v", got)
	}
	if !bytes.Contains(files["by_region.toml"], []byte("taken_at = 2024-05-01T06:00:00Z")) {
		t.Errorf("the stamp has no time:\n%s", files["by_region.toml"])
	}
	online, err := buildSite(t, dir, source.Options{Env: sqliteEnv(db)})
	if err != nil {
		t.Fatal(err)
	}
	var builds []*build.Result
	for range 2 {
		res, err := buildSite(t, dir, source.Options{Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		builds = append(builds, res)
	}
	for _, res := range append(builds[1:], online) {
		if !sameFiles(builds[0].Files, res.Files) {
			t.Errorf("builds differ")
		}
	}
	if page := string(builds[0].Files["index.html"]); !strings.Contains(page, "Umbrella spends most") {
		t.Errorf("the offline page lacks the figures:\n%s", page)
	}
}

func sameFiles(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, func(x, y []byte) bool { return bytes.Equal(x, y) })
}

// Offline, a snapshot of another query text is refused, whether the
// query is a file or a [data] table; a type declaration is no change.
func TestChangedQueryRefusedOffline(t *testing.T) {
	db := sqliteWarehouse(t)
	dir := snapshotSite(t, "")
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "queries", "by_region.sql")
	if err := os.WriteFile(q, []byte("-- source: wh\n-- spend: money\n-- n: money\n"+byRegionSQL), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := buildSite(t, dir, source.Options{Offline: true}); err != nil {
		t.Errorf("a new declaration refused the snapshot: %v", err)
	}
	if err := os.WriteFile(q, []byte("-- source: wh\n-- spend: money\n"+strings.Replace(byRegionSQL, "ORDER BY region", "ORDER BY spend", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := buildSite(t, dir, source.Options{Offline: true})
	want := `queries/by_region.sql:1:1: query "by_region" changed since its snapshot was taken (2024-05-01T06:00:00Z)`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want %s…", err, want)
	}
	// The CSV edited by hand no longer matches its stamp.
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "snapshots", "customers.csv")
	b, _ := os.ReadFile(csv)
	os.WriteFile(csv, bytes.Replace(b, []byte("Acme"), []byte("Acne"), 1), 0o644)
	if _, err := buildSite(t, dir, source.Options{Offline: true}); err == nil || !strings.Contains(err.Error(), "does not match its stamp") {
		t.Errorf("an edited snapshot: %v", err)
	}
}

// A refresh in which one query fails writes nothing: every old snapshot
// stays as it was, though the others' data changed.
func TestFailedRefreshKeepsSnapshots(t *testing.T) {
	db := sqliteWarehouse(t)
	dir := snapshotSite(t, "")
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	before := snapshotFiles(t, dir)
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("INSERT INTO spend VALUES ('2022-07-01', 'Zeta', 'EMEA', 5)"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	site := filepath.Join(dir, "site.toml")
	b, _ := os.ReadFile(site)
	os.WriteFile(site, bytes.Replace(b, []byte("SUM(amount) AS spend FROM spend GROUP"), []byte("SUM(amount) AS spend FROM nowhere GROUP"), 1), 0o644)
	err = refresh(t, dir, sqliteEnv(db), taken.Add(time.Hour))
	if err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Fatalf("refresh with a bad query: %v", err)
	}
	if after := snapshotFiles(t, dir); !sameFiles(before, after) {
		t.Errorf("a failed refresh changed snapshots/")
	}
	// Refreshing only the good query rewrites it alone.
	if err := refresh(t, dir, sqliteEnv(db), taken.Add(time.Hour), "by_region"); err != nil {
		t.Fatal(err)
	}
	after := snapshotFiles(t, dir)
	if bytes.Equal(before["by_region.csv"], after["by_region.csv"]) || !bytes.Equal(before["customers.csv"], after["customers.csv"]) {
		t.Errorf("refresh by_region: by_region changed %v, customers unchanged %v",
			!bytes.Equal(before["by_region.csv"], after["by_region.csv"]), bytes.Equal(before["customers.csv"], after["customers.csv"]))
	}
}

// With offline = "fallback", a source that cannot be reached is read from
// its snapshots with a warning; without it, the build fails with exit 4.
func TestFallback(t *testing.T) {
	db := sqliteWarehouse(t)
	gone := sqliteEnv(filepath.Join(t.TempDir(), "missing.db"))
	dir := snapshotSite(t, "offline = \"fallback\"\n")
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	res, err := buildSite(t, dir, source.Options{Env: gone})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0].Msg, "read from its snapshot") {
		t.Errorf("warnings %v, want the fallback's", res.Warnings)
	}
	dir = snapshotSite(t, "")
	if err := refresh(t, dir, sqliteEnv(db), taken); err != nil {
		t.Fatal(err)
	}
	_, err = buildSite(t, dir, source.Options{Env: gone})
	if source.Why(err) != "unreachable" || diag.ExitCode(err) != diag.ExitDatabase || strings.Count(err.Error(), "cannot reach") != 1 {
		t.Errorf("got %v (exit %d), want one unreachable error, exit %d", err, diag.ExitCode(err), diag.ExitDatabase)
	}
}

// A query on a SQLite source that SQLite refuses is an error at the token
// SQLite names, in the query's file or in site.toml.
func TestSQLiteErrorPositioned(t *testing.T) {
	db := sqliteWarehouse(t)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a query file", map[string]string{
			"queries/q.sql": "-- source: wh\nSELECT customer,\n       SUM(amout) AS spend\n  FROM spend GROUP BY customer\n",
		}, `queries/q.sql:3:12: query "q": no such column: amout`},
		{"a syntax error", map[string]string{
			"queries/q.sql": "-- source: wh\nSELECT customer FORM spend\n",
		}, `queries/q.sql:2:22: query "q": near "spend": syntax error`},
		{"a table in site.toml", map[string]string{
			"site.toml.extra": "[data.c]\nsource = \"wh\"\nsql = \"SELECT * FROM spends\"\n",
		}, `site.toml:9:22: query "c": no such table: spends`},
	} {
		files := map[string]string{
			"site.toml":        "title = \"T\"\n[sources.wh]\ndriver = \"sqlite\"\ndsn_env = \"WH_DSN\"\n\n",
			"content/index.md": "+++\ntitle = \"T\"\n+++\nText.\n",
		}
		for k, v := range tc.files {
			if k == "site.toml.extra" {
				files["site.toml"] += "\n" + v
				continue
			}
			files[k] = v
		}
		dir := writeSite(t, files)
		_, err := buildSite(t, dir, source.Options{Env: sqliteEnv(db)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %s", tc.name, err, tc.want)
		}
	}
}
