package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/briefing-dev/briefing/internal/pgtest"
)

// stopPostgres stops the tests' PostgreSQL server, if one was started,
// once every test has run.
type stopPostgres struct{ m *testing.M }

func (s stopPostgres) Run() int {
	defer pgtest.StopShared()
	return s.m.Run()
}

const cliPassword = "Cli-pw-4Zr8-never-printed"

var cliFixture struct {
	sync.Once
	err error
}

// cliWarehouse is the shared server with a database wh holding a small
// table, readable by the role reader.
func cliWarehouse(t *testing.T) *pgtest.Server {
	t.Helper()
	srv := pgtest.Shared(t)
	cliFixture.Do(func() {
		if cliFixture.err = srv.Exec("postgres", "CREATE ROLE reader LOGIN PASSWORD '"+cliPassword+"'", "CREATE DATABASE wh"); cliFixture.err != nil {
			return
		}
		cliFixture.err = srv.Exec("wh", "CREATE TABLE spend AS SELECT 'Acme' AS customer, 20000000::numeric AS spend UNION ALL SELECT 'Globex', 5000000",
			"GRANT SELECT ON spend TO reader")
	})
	if cliFixture.err != nil {
		t.Fatal(cliFixture.err)
	}
	return srv
}

// warehouseSite is the email test site with its spend table taken from
// PostgreSQL by a source query instead of the CSV file.
func warehouseSite(t *testing.T) string {
	dir := emailSite(t, "\n[sources.wh]\ndriver = \"postgres\"\ndsn_env = \"WH_DSN\"\n")
	applyEdit(t, dir, edit{"site.toml", "[data.spend]\nfile = \"data/spend.csv\"\n[data.spend.columns]\nmonth = \"month\"\nspend = \"money\"\n", ""})
	applyEdit(t, dir, edit{"queries/spend.sql", "", "-- source: wh\n-- month: month\n-- spend: money\nSELECT '2022-03' AS month, customer, spend FROM spend\n"})
	return dir
}

// A wrong password and a server that is not running each give a one-line
// error and exit status 4, and the password appears nowhere.
func TestDatabaseExitCodes(t *testing.T) {
	srv := cliWarehouse(t)
	for _, c := range []struct {
		name, dsn, first string
	}{
		{"wrong password", srv.DSN("reader", "x"+cliPassword, "wh"),
			`briefing: site.toml:$LINE:1: source "wh": the database server refused the credentials in WH_DSN`},
		{"stopped server", fmt.Sprintf("postgres://reader:%s@127.0.0.1:%d/wh?sslmode=disable", cliPassword, freePort(t)),
			`briefing: site.toml:$LINE:1: source "wh": cannot reach the database server (connection refused); check WH_DSN and the server, or build with --offline from the snapshots`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := warehouseSite(t)
			t.Setenv("WH_DSN", c.dsn)
			toml, _ := os.ReadFile(filepath.Join(dir, "site.toml"))
			line := strings.Count(string(toml[:strings.Index(string(toml), "[sources.wh]")]), "\n") + 1
			want := strings.Replace(c.first, "$LINE", fmt.Sprint(line), 1)
			for _, cmd := range [][]string{{"build", "-q", dir}, {"refresh", "-q", "--site", dir}} {
				stdout, stderr, code := runCLI(t, cmd...)
				if code != 4 {
					t.Errorf("%s: exit %d, want 4\n%s", cmd[0], code, stderr)
				}
				if first, _, _ := strings.Cut(stderr, "\n"); first != want {
					t.Errorf("%s: first line of stderr:\n%s\nwant\n%s", cmd[0], first, want)
				}
				if strings.Contains(stdout+stderr, cliPassword) {
					t.Errorf("%s: the password is in the output:\n%s", cmd[0], stderr)
				}
			}
		})
	}
}

// refresh, then build --offline with no connection string at all: the
// CI job of a scheduled briefing, and a rebuild of a past edition.
func TestRefreshThenBuildOffline(t *testing.T) {
	srv := cliWarehouse(t)
	dir := warehouseSite(t)
	t.Setenv("WH_DSN", srv.DSN("reader", cliPassword, "wh"))
	if _, stderr, code := runCLI(t, "refresh", "-q", "--site", dir); code != 0 {
		t.Fatalf("refresh: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshots", "spend.csv")); err != nil {
		t.Fatal(err)
	}
	os.Unsetenv("WH_DSN")
	var pages []string
	for i := range 2 {
		out := filepath.Join(t.TempDir(), fmt.Sprint("out", i))
		if _, stderr, code := runCLI(t, "build", "-q", "--offline", "-o", out, dir); code != 0 {
			t.Fatalf("build --offline: exit %d\n%s", code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(b))
	}
	if pages[0] != pages[1] || !strings.Contains(pages[0], "80%") {
		t.Errorf("offline builds differ, or lack the figures")
	}
	if _, stderr, code := runCLI(t, "build", "-q", "-o", filepath.Join(t.TempDir(), "x"), dir); code != 2 || !strings.Contains(stderr, "WH_DSN is not set") {
		t.Errorf("online without WH_DSN: exit %d\n%s", code, stderr)
	}
}
