package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/edition"
)

// atomDoc is what a feed reader reads of an Atom feed.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  string   `xml:"author>name"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

func parseFeed(t *testing.T, b []byte) atomDoc {
	t.Helper()
	var d atomDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("the feed is not Atom XML: %v\n%s", err, b)
	}
	return d
}

func buildExample(t *testing.T, baseURL string) *Result {
	t.Helper()
	root, err := os.OpenRoot("../..")
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	res, err := Build(root.FS(), Options{ECharts: echartsForTest(t), SkipStatic: true, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFeedExample reads the example's feed as a feed reader would: one
// entry per recorded edition, newest first, dated and summarised from
// the records in editions/, each linking to a page the build wrote.
func TestFeedExample(t *testing.T) {
	recs, err := edition.Load(os.DirFS("../.."))
	if err != nil || len(recs) < 2 {
		t.Fatalf("the example should have recorded editions: %d, %v", len(recs), err)
	}
	for _, base := range []string{"", "https://example.org/briefing/"} {
		res := buildExample(t, base)
		b := res.Files[feedPath]
		d := parseFeed(t, b)
		feedURL, _ := url.Parse("https://reader.test/somewhere/" + feedPath)
		if base != "" {
			feedURL, _ = url.Parse(base + feedPath)
		}
		if d.ID == "" || d.Title == "" || d.Author == "" || len(d.Links) == 0 {
			t.Errorf("base %q: the feed lacks id, title, author or links: %+v", base, d)
		}
		for _, id := range []string{d.ID} {
			if u, err := url.Parse(id); err != nil || !u.IsAbs() {
				t.Errorf("base %q: feed id %q is not an absolute IRI", base, id)
			}
		}
		if len(d.Entries) != len(recs) {
			t.Fatalf("base %q: %d entries, want one per recorded edition (%d)", base, len(d.Entries), len(recs))
		}
		if d.Updated != d.Entries[0].Updated {
			t.Errorf("base %q: feed updated %s, want the newest edition's %s", base, d.Updated, d.Entries[0].Updated)
		}
		for i, e := range d.Entries {
			r := recs[len(recs)-1-i] // Load is oldest first; the feed newest first
			if e.Updated != r.Edition.Date+"T00:00:00Z" || !strings.Contains(e.Title, r.Edition.Label) {
				t.Errorf("entry %d: %q of %s; want edition %s of %s", i, e.Title, e.Updated, r.Edition.Label, r.Edition.Date)
			}
			for _, name := range res.Config.Editions.Headline {
				if !strings.Contains(e.Summary, r.Figures[name].Text) {
					t.Errorf("entry %d: summary %q lacks %s = %q", i, e.Summary, name, r.Figures[name].Text)
				}
			}
			link, err := url.Parse(e.Link.Href)
			if err != nil || link.IsAbs() != (base != "") {
				t.Errorf("base %q: entry link %q: absolute only with base_url (%v)", base, e.Link.Href, err)
				continue
			}
			page := strings.TrimPrefix(feedURL.ResolveReference(link).Path, strings.TrimSuffix(feedURL.Path, feedPath))
			if page != "editions/"+r.Edition.ID+".html" || res.Files[page] == nil {
				t.Errorf("base %q: entry %d links %s (resolved to %s), not its edition's page", base, i, e.Link.Href, page)
			}
			if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
				t.Errorf("base %q: entry id %q is not an absolute IRI", base, e.ID)
			}
		}
		if !bytes.Contains(res.Files["index.html"], []byte(`type="application/atom+xml"`)) ||
			!bytes.Contains(res.Files["editions/index.html"], []byte(`href="../editions/feed.xml"`)) {
			t.Errorf("base %q: the pages do not announce the feed in their head", base)
		}
		again := buildExample(t, base)
		if !bytes.Equal(b, again.Files[feedPath]) {
			t.Errorf("base %q: two builds give different feeds:\n%s", base, firstDiff(string(b), string(again.Files[feedPath])))
		}
	}
}

// TestFeedHostile: a recorded figure's display text, a label, an edition
// note and the title are text in the feed, never markup.
func TestFeedHostile(t *testing.T) {
	const evil = `</summary><script>alert(1)</script>&amp;]]>`
	jan := buildEdition(t, seriesSite("2022-01", 20e6, 80e6, false), nil)
	var rec map[string]any
	if err := json.Unmarshal(jan.RecordJSON, &rec); err != nil {
		t.Fatal(err)
	}
	rec["figures"].(map[string]any)["acme_share"].(map[string]any)["text"] = evil
	past, _ := json.Marshal(rec)
	site := seriesSite("2022-02", 30e6, 70e6, false)
	site["site.toml"].Data = append([]byte(`title = "<b>Evil & co</b>"
[labels]
total = "<i>total</i>"
`), bytes.TrimPrefix(site["site.toml"].Data, []byte("title = \"Series\"\n"))...)
	site[edition.FileName("2022-01")] = &fstest.MapFile{Data: past}
	res, err := Build(site, Options{EditionNote: evil})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Files[feedPath]
	if bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("<b>")) || bytes.Contains(b, []byte("<i>")) {
		t.Fatalf("hostile text became markup in the feed:\n%s", b)
	}
	d := parseFeed(t, b)
	if len(d.Entries) != 2 || !strings.Contains(d.Title, "<b>Evil & co</b>") ||
		!strings.Contains(d.Entries[0].Summary, "<i>total</i>") || !strings.HasSuffix(d.Entries[0].Summary, evil) ||
		!strings.Contains(d.Entries[1].Summary, evil) {
		t.Errorf("the feed does not read back the hostile texts as text: %+v", d)
	}
}

// TestNoFeed: a briefing that is not a series has no feed and its pages
// announce none.
func TestNoFeed(t *testing.T) {
	res := buildDir(t, "testdata/golden/site")
	if res.Series != nil {
		t.Fatal("the golden site is not meant to be a series")
	}
	for name, b := range res.Files {
		if strings.HasSuffix(name, ".xml") && bytes.Contains(b, []byte("http://www.w3.org/2005/Atom")) {
			t.Errorf("%s: a feed for a site that is not a series", name)
		}
		if bytes.Contains(b, []byte("application/atom+xml")) {
			t.Errorf("%s announces a feed", name)
		}
	}
	if len(res.Files) == 0 || res.Files["index.html"] == nil {
		t.Fatal("the golden site built nothing")
	}
}
