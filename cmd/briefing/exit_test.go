package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// edit changes one file of the test site: old replaced by new, or, with
// old empty, the whole file written as new.
type edit struct{ file, old, new string }

// exitCase is one command line against a copy of testdata/emailsite. In
// args and in the expected lines, $SITE is the site folder, $TMP a
// scratch folder and $BUSY a port that is already taken.
type exitCase struct {
	name    string
	edits   []edit
	args    []string
	code    int
	first   string // the first line of stderr, exactly ("" for none)
	firstRE string // or a pattern it must match
	second  string // when set, the second line of stderr (the source excerpt)
}

// TestExitCodes pins the exit status and the first line of stderr of
// every kind of problem and of every command: the contract of the README
// (1 sources, 2 usage, configuration or refused output, 3 internal or
// I/O), and one printer for all (text with excerpts, or JSON lines).
func TestExitCodes(t *testing.T) {
	chartTypo := edit{"content/index.md", "{{chart spend}}", "{{chart spnd}}"}
	for _, c := range []exitCase{
		// One case per kind of problem.
		{name: "config", code: 2, args: []string{"build", "$SITE"},
			edits: []edit{{"site.toml", "period = \"March 2022\"\n", "period = \"March 2022\"\nperoid = \"x\"\n"}},
			first: `briefing: site.toml:3:1: unknown key "peroid"`},
		{name: "data", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{{"data/spend.csv", "2022-03,Acme,20000000", "2022-03,Acme,20M"}},
			first: `briefing: data/spend.csv:4:14: "20M" is not a number (column "spend" is money)`},
		{name: "query", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{
				{"site.toml", "[data.spend]\n", "[data.Spend]\n"},
				{"site.toml", "[data.spend.columns]", "[data.Spend.columns]"},
				{"queries/spend.sql", "", "SELECT * FROM Spend\n"},
			},
			first: `briefing: queries/spend.sql:1:1: query "spend" has the name of the table "Spend" loaded from data/spend.csv (SQL does not tell names apart by case); rename the file`},
		{name: "figure", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{{"figures.toml", "format = \"percent\"\n", "format = \"percent\"\n\n[bad]\nexpr = \"nope + 1\"\n"}},
			first: `briefing: figures.toml:12:9: figure "bad": unknown figure "nope"`},
		{name: "chart", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{{"charts/spend.toml", `type = "bar"`, `type = "pi"`}},
			first: `briefing: charts/spend.toml:1:8: chart "spend": unknown chart type "pi" (want one of bar, line, area, pie, donut, combo)`},
		{name: "table", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{{"tables/customers.toml", `caption = "Spend by month"`, `captoin = "Spend by month"`}},
			first: `briefing: tables/customers.toml:2:1: unknown key "captoin"`},
		{name: "content", code: 1, args: []string{"build", "$SITE"}, edits: []edit{chartTypo},
			first:  `briefing: content/index.md:9:9: unknown chart "spnd" (did you mean spend? charts are the files in charts/, named without .toml)`,
			second: `  9 | {{chart spnd}}`},
		{name: "template", code: 1, args: []string{"check", "$SITE"},
			edits: []edit{{"templates/page.html", "", "<article>\n{{.Content\n</article>\n"}},
			first: `briefing: templates/page.html:3: unexpected "<" in operand`},
		{name: "output", code: 2, args: []string{"build", "-o", "$SITE", "$SITE"},
			first: `briefing: output folder $SITE is the site folder itself; choose a folder such as $SITE/output`},
		{name: "output not ours", code: 2, args: []string{"build", "-o", "$TMP/mine", "$SITE"},
			edits: []edit{{"../mine/notes.txt", "", "someone else's"}},
			first: `briefing: output folder $TMP/mine is not empty and was not written by briefing (no .briefing-output file); refusing to replace it`},
		{name: "output parent not a folder", code: 2, args: []string{"build", "-o", "$TMP/file/out", "$SITE"},
			edits:   []edit{{"../file", "", "a file, not a folder"}},
			firstRE: `^briefing: output folder .*\$TMP/file/out: cannot open its parent folder: not a directory$`},
		// /proc takes no new folders, even from root: writing fails.
		{name: "font file missing", code: 2, args: []string{"build", "$SITE"},
			edits: []edit{{"site.toml", "[data.spend]\n", "[fonts]\nfiles = [\"fonts/none.ttf\"]\n\n[data.spend]\n"}},
			first: `briefing: site.toml:6:9: font file fonts/none.ttf: no such file in the site`},
		{name: "font file not a font", code: 2, args: []string{"build", "$SITE"},
			edits: []edit{{"site.toml", "[data.spend]\n", "[fonts]\nfiles = [\"fonts/bad.ttf\"]\n\n[data.spend]\n"}, {"fonts/bad.ttf", "", "not a font"}},
			first: `briefing: site.toml:6:9: font file fonts/bad.ttf is not a TrueType or OpenType font this can read (sfnt: invalid bounds)`},
		{name: "reference where none expands", code: 1, args: []string{"check", "$SITE"},
			edits:   []edit{{"figures.toml", "format = \"percent\"\n", "format = \"percent\"\nfallback = \"{{fig total}}\"\n"}},
			firstRE: `^briefing: figures.toml:10:13: figure "acme_share": the fallback is shown as written: `},
		{name: "reference in site.toml's title", code: 2, args: []string{"check", "$SITE"},
			edits:   []edit{{"site.toml", "period = \"March 2022\"\n", "period = \"{{fig share}}\"\n"}},
			firstRE: `^briefing: site.toml:2:11: site.toml's period is shown as written: `},
		{name: "internal", code: 3, args: []string{"build", "-o", "/proc/briefing-out", "$SITE"},
			firstRE: `^briefing: output folder /proc/briefing-out: cannot create \.briefing-out\.new-.*: no such file or directory$`},

		// One or more per command.
		{name: "build ok", code: 0, args: []string{"build", "-q", "-o", "$TMP/out", "$SITE"}},
		{name: "build bad flag", code: 2, args: []string{"build", "--zzzz", "$SITE"},
			first: "briefing: build: unknown flag --zzzz (run `briefing help build`)"},
		{name: "build record not a series", code: 2, args: []string{"build", "-q", "--record", "-o", "$TMP/out", "$SITE"},
			first: `briefing: build --record: the briefing is not a series; add [editions] to site.toml`},
		{name: "check ok", code: 0, args: []string{"check", "-q", "$SITE"}},
		{name: "check json", code: 1, args: []string{"check", "--format", "json", "$SITE"}, edits: []edit{chartTypo},
			first: `{"file":"content/index.md","line":9,"col":9,"severity":"error","code":"content","message":"unknown chart \"spnd\" (did you mean spend? charts are the files in charts/, named without .toml)"}`},
		{name: "check bad format", code: 2, args: []string{"check", "--format", "xml", "$SITE"},
			first: "briefing: check: invalid value \"xml\" for flag --format: want text or json (run `briefing help check`)"},
		{name: "describe ok", code: 0, args: []string{"describe", "--site", "$SITE", "spend"}},
		{name: "describe unknown table", code: 2, args: []string{"describe", "--site", "$SITE", "spnd"},
			first: `briefing: describe: unknown table "spnd" (did you mean spend? tables: spend)`},
		{name: "describe source", code: 1, args: []string{"describe", "--site", "$SITE"},
			edits: []edit{{"data/spend.csv", "2022-03,Acme,20000000", "2022-03,Acme,20M"}},
			first: `briefing: data/spend.csv:4:14: "20M" is not a number (column "spend" is money)`},
		{name: "describe json", code: 1, args: []string{"describe", "--format", "json", "--site", "$SITE"},
			edits: []edit{{"queries/q.sql", "", "SELECT spnd FROM spend\n"}},
			first: `{"file":"queries/q.sql","line":1,"col":8,"severity":"error","code":"query","message":"query \"q\": no such column: spnd (did you mean spend? columns of spend: month, customer, spend)"}`},
		{name: "describe bad rows", code: 2, args: []string{"describe", "--rows", "-1", "--site", "$SITE"},
			first: `briefing: describe: --rows must be 0 or more`},
		{name: "describe no site", code: 2, args: []string{"describe", "--site", "$TMP/nope"},
			firstRE: `^briefing: cannot open the site folder: .*no such file or directory$`},
		{name: "email ok", code: 0, args: []string{"email", "-q", "-o", "$TMP/out", "$SITE"}},
		{name: "email source", code: 1, args: []string{"email", "$SITE"}, edits: []edit{chartTypo},
			first:  `briefing: content/index.md:9:9: unknown chart "spnd" (did you mean spend? charts are the files in charts/, named without .toml)`,
			second: `  9 | {{chart spnd}}`},
		{name: "email json", code: 1, args: []string{"email", "--format", "json", "$SITE"}, edits: []edit{chartTypo},
			first: `{"file":"content/index.md","line":9,"col":9,"severity":"error","code":"content","message":"unknown chart \"spnd\" (did you mean spend? charts are the files in charts/, named without .toml)"}`},
		{name: "email no sender", code: 2, args: []string{"email", "$SITE"},
			edits: []edit{{"site.toml", "from = \"Strategy team <strategy@example.org>\"\n", ""}},
			first: `briefing: site.toml:11:2: the email has no sender: set from in [email] of site.toml or use --from`},
		{name: "email bad --to", code: 2, args: []string{"email", "--to", "not an address", "$SITE"},
			first: `briefing: --to: address "not an address": mail: no angle-addr`},
		{name: "email no host", code: 2, args: []string{"email", "--send", "$SITE"},
			first: `briefing: site.toml:11:2: no SMTP server: set host in [email.smtp] of site.toml`},
		{name: "email dry run no host", code: 2, args: []string{"email", "--dry-run", "$SITE"},
			first: `briefing: site.toml:11:2: no SMTP server: set host in [email.smtp] of site.toml`},
		{name: "email send_if false", code: 0, args: []string{"email", "--send", "-q", "$SITE"},
			edits: []edit{{"site.toml", "pages = [", "send_if = \"acme_share > 90%\"\npages = ["}}},
		{name: "email send_if unknown figure", code: 2, args: []string{"email", "--send", "$SITE"},
			edits: []edit{{"site.toml", "pages = [", "send_if = \"acme_shar > 90%\"\npages = ["}},
			first: `briefing: site.toml:15:12: send_if: unknown figure "acme_shar" (did you mean acme_share? figures are declared in figures.toml)`},
		{name: "email send_if syntax", code: 2, args: []string{"email", "$SITE"},
			edits: []edit{{"site.toml", "pages = [", "send_if = \"acme_share >\"\npages = ["}},
			first: `briefing: site.toml:15:24: send_if: expected a number, text, name or ( but found end of expression`},
		{name: "email force alone", code: 2, args: []string{"email", "--force", "$SITE"},
			first: `briefing: email: --force goes with --send`},
		{name: "email each bad column", code: 2, args: []string{"email", "$SITE"},
			edits: []edit{{"site.toml", "to = [\"Board <board@example.org>\", \"cfo@example.org\"]\n", "each = \"spend\"\nto_column = \"mail\"\n"}},
			first: `briefing: site.toml:15:13: to_column = "mail": no such column in "spend" (columns: month, customer, spend)`},
		{name: "email each bad address", code: 1, args: []string{"email", "$SITE"},
			edits: []edit{{"site.toml", "to = [\"Board <board@example.org>\", \"cfo@example.org\"]\n", "each = \"spend\"\nto_column = \"customer\"\n"}},
			first: `briefing: data/spend.csv:2:9: column "customer" (to_column in [email]): address "Acme": mail: missing '@' or angle-addr`},
		{name: "email each --to", code: 2, args: []string{"email", "--to", "a@example.org", "$SITE"},
			edits: []edit{{"site.toml", "to = [\"Board <board@example.org>\", \"cfo@example.org\"]\n", "each = \"spend\"\nto_column = \"customer\"\n"}},
			first: `briefing: email: --to cannot replace the recipients of each = "spend" in [email] (one message per row)`},
		{name: "email each and to", code: 2, args: []string{"email", "$SITE"},
			edits: []edit{{"site.toml", "pages = [", "each = \"spend\"\nto_column = \"customer\"\npages = ["}},
			first: `briefing: site.toml:14:1: to and each exclude each other: with each = "spend" every message goes to its row's address (to_column)`},
		{name: "email refused output", code: 2, args: []string{"email", "-o", "$SITE/data", "$SITE"},
			first: `briefing: output folder $SITE/data is inside the source folder data/`},
		{name: "pdf no chromium", code: 2, args: []string{"pdf", "--chromium", "$TMP/none", "-o", "$TMP/b.pdf", "$SITE"},
			first: `briefing: pdf: --chromium names no Chromium: $TMP/none is not an executable file or a program on PATH`},
		{name: "pdf unknown page", code: 2, args: []string{"pdf", "--pages", "indx", "-o", "$TMP/b.pdf", "$SITE"},
			first: `briefing: --pages: no page "indx" (did you mean index? pages: index, detail)`},
		{name: "pdf source", code: 1, args: []string{"pdf", "-o", "$TMP/b.pdf", "$SITE"}, edits: []edit{chartTypo},
			first: `briefing: content/index.md:9:9: unknown chart "spnd" (did you mean spend? charts are the files in charts/, named without .toml)`},
		{name: "pdf refused output", code: 2, args: []string{"pdf", "-o", "$SITE/content/b.pdf", "$SITE"},
			first: `briefing: pdf: refusing to write $SITE/content/b.pdf inside the site's content/ folder, which is read as a source`},
		{name: "serve port taken", code: 2, args: []string{"serve", "-p", "$BUSY", "$SITE"},
			firstRE: `^briefing: cannot listen: listen tcp 127\.0\.0\.1:\$BUSY: bind: address already in use$`},
		{name: "serve two folders", code: 2, args: []string{"serve", "a", "b"},
			first: `briefing: serve takes one SITE_DIR, got a b`},
		{name: "new not empty", code: 2, args: []string{"new", "$SITE"},
			first: `briefing: $SITE is not empty; choose an empty folder, or add --force to add the files beside what is there`},
		{name: "new no dir", code: 2, args: []string{"new"},
			first: `briefing: new takes one DIR: briefing new [--title TEXT] [--templates] [--force] DIR`},
		{name: "refresh nothing", code: 2, args: []string{"refresh", "--site", "$SITE"},
			first: `briefing: site.toml: no source queries to refresh: declare a [sources.NAME] and a query that names it`},
		{name: "source dsn in site.toml", code: 2, args: []string{"check", "$SITE"},
			edits: []edit{{"site.toml", "[email]\n", "[sources.wh]\ndriver = \"postgres\"\ndsn = \"postgres://u:pw@h/db\"\n\n[email]\n"}},
			first: `briefing: site.toml:13:1: source "wh": connection strings are never read from site.toml; set dsn_env to the name of an environment variable that holds it`},
		{name: "version ok", code: 0, args: []string{"version"}},
		{name: "version extra", code: 2, args: []string{"version", "now"},
			first: `briefing: version takes no arguments`},
		{name: "--version", code: 0, args: []string{"--version"}},
		{name: "-v", code: 0, args: []string{"-v"}},
		{name: "help ok", code: 0, args: []string{"help", "email"}},
		{name: "help unknown", code: 2, args: []string{"help", "frobnicate"},
			first: "briefing: unknown command \"frobnicate\" (run `briefing help`)"},
		{name: "unknown command", code: 2, args: []string{"frobnicate"},
			first: "briefing: unknown command \"frobnicate\" (run `briefing help`)"},
		{name: "misspelt command", code: 2, args: []string{"biuld"},
			first: "briefing: unknown command \"biuld\" (did you mean build? run `briefing help`)"},
		{name: "no command", code: 2, args: nil,
			first: "briefing turns a folder of spreadsheets, TOML, markdown and chart definitions into a static briefing site."},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t) })
	}
}

func (c exitCase) check(t *testing.T) {
	dir := emailSite(t, "")
	tmp := filepath.Dir(dir)
	for _, e := range c.edits {
		applyEdit(t, dir, e)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	vars := strings.NewReplacer("$SITE", dir, "$TMP", tmp, "$BUSY", fmt.Sprint(busy.Addr().(*net.TCPAddr).Port))
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = vars.Replace(a)
	}
	_, stderr, code := runCLI(t, args...)
	lines := strings.SplitN(stderr, "\n", 3)
	first, second := lines[0], ""
	if len(lines) > 1 {
		second = lines[1]
	}
	if code != c.code {
		t.Errorf("briefing %s: exit %d, want %d\n%s", strings.Join(args, " "), code, c.code, stderr)
	}
	switch {
	case c.firstRE != "":
		re := regexp.MustCompile(strings.NewReplacer(`\$SITE`, regexp.QuoteMeta(dir), `\$TMP`, regexp.QuoteMeta(tmp),
			`\$BUSY`, fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)).Replace(c.firstRE))
		if !re.MatchString(first) {
			t.Errorf("first line of stderr:\n%s\nwant a match for %s", first, re)
		}
	case first != vars.Replace(c.first):
		t.Errorf("first line of stderr:\n%s\nwant\n%s", first, vars.Replace(c.first))
	}
	if c.second != "" && second != c.second {
		t.Errorf("second line of stderr:\n%s\nwant\n%s", second, c.second)
	}
}

func applyEdit(t *testing.T, dir string, e edit) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(e.file))
	if e.old == "" {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(e.new), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), e.old) {
		t.Fatalf("%s does not contain %q", e.file, e.old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), e.old, e.new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
