package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
)

// TestRecordTwice builds the golden site twice, through the disk, and
// compares the records byte for byte; the golden file itself is pinned by
// TestGolden (want/briefing.json).
func TestRecordTwice(t *testing.T) {
	a := buildDir(t, "testdata/golden/site")
	b := buildDir(t, "testdata/golden/site")
	if !bytes.Equal(a.Files[edition.File], b.Files[edition.File]) || len(a.RecordJSON) == 0 {
		t.Fatalf("two builds of the same site give different records:\n%s", firstDiff(string(a.Files[edition.File]), string(b.Files[edition.File])))
	}
	var rec edition.Record
	if err := json.Unmarshal(a.Files[edition.File], &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Edition != nil || len(rec.Figures) != 5 || len(rec.Sources["sales"].Fingerprint) != 64 {
		t.Errorf("record: edition %v, %d figures, sales fingerprint %q; want no edition, the 5 figures and a sha256", rec.Edition, len(rec.Figures), rec.Sources["sales"].Fingerprint)
	}
}

// seriesSite is a small series: one month of spend per edition.
func seriesSite(month string, acme, globex float64, extra bool) fstest.MapFS {
	figures := `[latest_month]
sql = "SELECT MAX(month) FROM spend"

[acme]
sql = "SELECT spend FROM spend WHERE customer = 'Acme'"

[total]
sql = "SELECT SUM(spend) FROM spend"

[acme_share]
expr = "acme / total"
format = "percent"
`
	prose := `This is the {{edition}} edition, after {{edition prev}}.
Acme's share is {{fig acme_share}} ({{change acme_share}}); it was {{prev acme_share}}.
Spend is {{fig total}} ({{change total}}).
{{if change(acme_share) > 1pp then "Acme gained weight." else "Acme held steady."}}
`
	if extra {
		figures += "\n[globex]\nsql = \"SELECT spend FROM spend WHERE customer = 'Globex'\"\n"
		prose += "Globex: {{change globex}}.\n"
	}
	return fstest.MapFS{
		"site.toml": {Data: []byte(`title = "Series"
[data.spend]
file = "data/spend.csv"
[data.spend.columns]
month = "month"
spend = "money"
[editions]
date = "latest_month"
headline = ["acme_share", "total"]
`)},
		"data/spend.csv": {Data: fmt.Appendf(nil, "month,customer,spend\n%s,Acme,%.0f\n%s,Globex,%.0f\n", month, acme, month, globex)},
		"figures.toml":   {Data: []byte(figures)},
		"tables/customers.toml": {Data: []byte(`source = "spend"
columns = ["customer", "spend"]
changes = ["spend"]
`)},
		"content/index.md": {Data: []byte("+++\ntitle = \"Overview\"\n+++\n\n" + prose + "\n{{table customers}}\n")},
	}
}

// readerText is what a reader sees of a page's main part: its text, tags
// dropped, entities decoded, spaces collapsed.
func readerText(page []byte) string {
	s := string(page)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if i := strings.Index(s, "</main>"); i >= 0 {
		s = s[:i]
	}
	s = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// buildEdition builds a series site with the editions recorded so far
// and returns the build.
func buildEdition(t *testing.T, fsys fstest.MapFS, recorded map[string][]byte) *Result {
	t.Helper()
	for id, b := range recorded {
		fsys[edition.FileName(id)] = &fstest.MapFile{Data: b}
	}
	res, err := Build(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantText(t *testing.T, page, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: want %q in what a reader sees:\n%s", page, w, text)
		}
	}
}

// TestEditions records three editions in sequence, each from changed
// data, and reads what the prose, the table and the archive say. The
// expected texts follow from the data: Acme is 20%, then 30%, then 30% of
// spend ($100M, $100M, $105M).
func TestEditions(t *testing.T) {
	recorded := map[string][]byte{}

	jan := buildEdition(t, seriesSite("2022-01", 20e6, 80e6, false), recorded)
	index := readerText(jan.Files["index.html"])
	wantText(t, "January", index,
		"This is the Jan 2022 edition, after no earlier edition.",
		"Acme's share is 20% (no earlier edition); it was no earlier edition.",
		"Spend is $100M (no earlier edition).",
		"Acme held steady.",
		"This is the first edition: changes are shown from the next one.")
	if strings.Contains(index, "Since ") {
		t.Errorf("a first edition has no change column:\n%s", index)
	}
	recorded[jan.Series.Current.ID] = jan.RecordJSON

	feb := buildEdition(t, seriesSite("2022-02", 30e6, 70e6, false), recorded)
	wantText(t, "February", readerText(feb.Files["index.html"]),
		"This is the Feb 2022 edition, after Jan 2022.",
		"Acme's share is 30% (+10 pp since Jan 2022); it was 20%.",
		"Spend is $100M (unchanged since Jan 2022).",
		"Acme gained weight.",
		"Customer Spend Since Jan 2022 Acme $30M +50.0% Globex $70M −12.5%")
	recorded[feb.Series.Current.ID] = feb.RecordJSON
	subject, err := feb.Figures.Expand("Series, {{edition}}: Acme is {{fig acme_share}} ({{change acme_share}})", diag.Pos{File: "site.toml"})
	if want := "Series, Feb 2022: Acme is 30% (+10 pp since Jan 2022)"; err != nil || subject != want {
		t.Errorf("subject = %q, %v; want %q", subject, err, want)
	}

	mar := buildEdition(t, seriesSite("2022-03", 31.5e6, 73.5e6, true), recorded)
	wantText(t, "March", readerText(mar.Files["index.html"]),
		"This is the Mar 2022 edition, after Feb 2022.",
		"Acme's share is 30% (unchanged since Feb 2022); it was 30%.",
		"Spend is $105M (+5% since Feb 2022).",
		"Acme held steady.",
		"Globex: new since Feb 2022.")
	wantText(t, "the archive", readerText(mar.Files["editions/index.html"]),
		"Edition Acme share Total Note",
		"Mar 2022 (this edition) 30% $105M",
		"Feb 2022 30% $100M",
		"Jan 2022 20% $100M",
		"Mar 2022 Feb 2022 Jan 2022") // the links to each edition's page
	// Every page's top bar leads to the archive.
	for _, p := range []string{"index.html", "editions/2022-01.html"} {
		nav, _, _ := strings.Cut(string(mar.Files[p]), "</nav>")
		if !strings.Contains(nav, `editions/index.html"`) {
			t.Errorf("%s: the top bar has no link to the archive of editions:\n%s", p, nav)
		}
	}
	wantText(t, "January's page", readerText(mar.Files["editions/2022-01.html"]),
		"Jan 2022 edition", "acme_share 20%", "total $100M")
	if !bytes.Equal(mar.Files["editions/2022-01.json"], recorded["2022-01"]) {
		t.Errorf("the output's copy of January's record differs from the recorded one")
	}
}

// TestEditionRebuilt builds an edition that is already recorded: it is
// the same edition made again, compared with the one before it, not with
// itself.
func TestEditionRebuilt(t *testing.T) {
	jan := buildEdition(t, seriesSite("2022-01", 20e6, 80e6, false), nil)
	feb := buildEdition(t, seriesSite("2022-02", 30e6, 70e6, false), map[string][]byte{"2022-01": jan.RecordJSON})
	again := buildEdition(t, seriesSite("2022-02", 30e6, 70e6, false), map[string][]byte{"2022-01": jan.RecordJSON, "2022-02": feb.RecordJSON})
	wantText(t, "February again", readerText(again.Files["index.html"]), "(+10 pp since Jan 2022)")
	if !bytes.Equal(again.RecordJSON, feb.RecordJSON) {
		t.Errorf("the same edition built twice gives two records:\n%s", firstDiff(string(feb.RecordJSON), string(again.RecordJSON)))
	}
}

// TestEditionErrors: edition references outside a series, and a bad
// record, are positioned errors, not crashes.
func TestEditionErrors(t *testing.T) {
	notSeries := seriesSite("2022-01", 1, 1, false)
	notSeries["site.toml"] = &fstest.MapFile{Data: []byte("title = \"x\"\n[data.spend]\nfile = \"data/spend.csv\"\n[data.spend.columns]\nmonth = \"month\"\nspend = \"money\"\n")}
	_, err := Build(notSeries, Options{})
	if err == nil || !strings.Contains(err.Error(), "content/index.md:5:") || !strings.Contains(err.Error(), "make the briefing a series with [editions]") {
		t.Errorf("{{edition}} outside a series: got %v", err)
	}
	bad := seriesSite("2022-02", 1, 1, false)
	bad[edition.FileName("2022-01")] = &fstest.MapFile{Data: []byte("{\"version\": 1,\n \"edition\": {\"id\": \"2022-01\"},\n \"figures\": [}")}
	_, err = Build(bad, Options{})
	if err == nil || !strings.Contains(err.Error(), "editions/2022-01.json:3:") {
		t.Errorf("a broken record: got %v, want an error at its line", err)
	}
}

// Templates show changes too: {{change "name"}} and {{prev "name"}} say
// what prose says; in a briefing that is not a series they are an error
// at the template.
func TestTemplateChange(t *testing.T) {
	const tmpl = `<article><h1>{{.Page.Title}}</h1><p>Acme {{fig "acme_share"}}, {{change "acme_share"}}; was {{prev "acme_share"}}; total {{change "total" "money"}}.</p>{{.Content}}</article>`
	recorded := map[string][]byte{}
	jan := buildEdition(t, seriesSite("2022-01", 20e6, 80e6, false), recorded)
	recorded[jan.Series.Current.ID] = jan.RecordJSON
	site := seriesSite("2022-02", 30e6, 70e6, false)
	site["templates/page.html"] = &fstest.MapFile{Data: []byte(tmpl)}
	feb := buildEdition(t, site, recorded)
	wantText(t, "February", readerText(feb.Files["index.html"]),
		"Acme 30%, +10 pp since Jan 2022; was 20%; total unchanged since Jan 2022.")

	plain := seriesSite("2022-02", 30e6, 70e6, false)
	plain["site.toml"] = &fstest.MapFile{Data: []byte(strings.Split(string(plain["site.toml"].Data), "[editions]")[0])}
	plain["content/index.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \"Overview\"\n+++\nText.\n")}
	plain["templates/page.html"] = &fstest.MapFile{Data: []byte(tmpl)}
	_, err := Build(plain, Options{})
	if err == nil || !strings.Contains(err.Error(), "templates/page.html") || !strings.Contains(err.Error(), "change compares with the previous edition; make the briefing a series") {
		t.Errorf("{{change}} in a template of a briefing that is not a series: %v", err)
	}
}

// In a series, a content page where the archive of editions goes is an
// error at the content file, not replaced by the archive.
func TestArchiveClash(t *testing.T) {
	site := seriesSite("2022-01", 20e6, 80e6, false)
	site["content/editions/index.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \"Our editions\"\n+++\nWritten by hand.\n")}
	_, err := Build(site, Options{})
	want := "content/editions/index.md: its page editions/index.html is where the archive of editions goes ([editions] in site.toml); rename it"
	if err == nil || err.Error() != want {
		t.Errorf("Build = %v\nwant %s", err, want)
	}
}
