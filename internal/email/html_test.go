package email

import (
	"bytes"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/briefing-dev/briefing/internal/config"
)

// elements parses a whole email and returns its elements in order.
func elements(t *testing.T, page []byte) []*xhtml.Node {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []*xhtml.Node
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func sampleSite() *config.Site {
	return &config.Site{Title: "Cloud AI briefing", Period: "March 2022", Language: "en", BaseURL: "https://b.example.org/"}
}

// sampleContent is a page's content as the edition renders it: prose, a
// table of numbers (one right-aligned by markdown) and links.
const sampleContent = `<h1>Overview</h1><p class="lede">One customer is a quarter of the business. The rest is spread thin.</p>
<p>See <a href="customers/tiktok.html">TikTok's page</a>, <a href="https://example.com/report">the report</a> and a note<sup><a href="#fn:1">1</a></sup>.</p>
<table><thead><tr><th>Quarter</th><th class="num">Cloud revenue</th><th style="text-align:right">Move</th></tr></thead>
<tbody><tr class="highlight"><td>Q2 FY24 total</td><td class="num">$1.2 M</td><td style="text-align:right">-7 pp</td></tr></tbody></table>`

// TestLayoutOutlook: Outlook for Windows gets a fixed 640 px table inside
// an MSO conditional; nothing in the email uses a property Word ignores
// and the others honour (white-space, table-layout, overflow-wrap), and
// max-width only on the one block that Outlook's table stands in for.
func TestLayoutOutlook(t *testing.T) {
	cfg := sampleSite()
	content, _, err := inlineStyles([]byte(sampleContent), cfg.BaseURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	page := layout(cfg, "Subject", "One customer is a quarter of the business.", content)
	s := string(page)
	for _, want := range []string{
		`<!--[if mso]><table role="presentation" width="640" align="center"`,
		`<!--[if mso]></td></tr></table><![endif]-->`,
		`<meta name="x-apple-disable-message-reformatting" content="">`,
		`<meta name="color-scheme" content="light dark">`,
		`<meta name="supported-color-schemes" content="light dark">`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the email lacks %s", want)
		}
	}
	if strings.Index(s, "<!--[if mso]><table") > strings.Index(s, `class="card"`) {
		t.Error("the MSO table does not wrap the column")
	}
	maxWidth := 0
	for _, n := range elements(t, page) {
		css := attr(n, "style")
		for _, bad := range []string{"white-space", "table-layout", "overflow-wrap", "mso-"} {
			if strings.Contains(css, bad) {
				t.Errorf("<%s style=%q> uses %s", n.Data, css, bad)
			}
		}
		if strings.Contains(css, "max-width") {
			maxWidth++
			if n.Data != "div" || !strings.Contains(css, "max-width:640px") {
				t.Errorf("max-width on <%s style=%q>; only the column's div may have it", n.Data, css)
			}
		}
	}
	if maxWidth != 1 {
		t.Errorf("%d elements with max-width, want 1 (the column)", maxWidth)
	}
}

// TestNumberCells: a number cell cannot wrap in a client that ignores
// white-space: its text holds no breakable space or hyphen, and it says
// nowrap; a text cell wraps as usual. The text part reads the same
// numbers with ordinary spaces and hyphens.
func TestNumberCells(t *testing.T) {
	content, _, err := inlineStyles([]byte(sampleContent), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]*xhtml.Node{}
	for _, n := range elements(t, content) {
		if n.Data == "td" {
			cells[strings.Map(func(r rune) rune {
				switch r {
				case '\u00a0':
					return ' '
				case '\u2011':
					return '-'
				}
				return r
			}, textOf(n))] = n
		}
	}
	for _, text := range []string{"$1.2 M", "-7 pp"} {
		n := cells[text]
		if n == nil {
			t.Fatalf("no cell %q in %s", text, content)
		}
		raw := n.FirstChild.Data
		if strings.ContainsAny(raw, " -") {
			t.Errorf("number cell %q can break", raw)
		}
		if !hasAttr(n, "nowrap") || attr(n, "align") != "right" {
			t.Errorf("number cell %q: attributes %v, want nowrap and align=right", text, n.Attr)
		}
	}
	if n := cells["Q2 FY24 total"]; n == nil || n.FirstChild.Data != "Q2 FY24 total" || hasAttr(n, "nowrap") {
		t.Errorf("the text cell lost its ordinary spaces, or cannot wrap: %s", content)
	}
	text := string(plainText(sampleSite(), "Subject", content))
	for _, want := range []string{"$1.2 M", "-7 pp"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q:\n%s", want, text)
		}
	}
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// TestLinks: with base_url, a link to a page points at the published
// site; without it, it is plain text (not a blue word that goes nowhere),
// and the count says how many. A link to an anchor is plain text either
// way: ids do not survive a mail client. Other links stay.
func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		base    string
		unwound int
		hrefs   []string
	}{
		{"https://b.example.org/", 0, []string{"https://b.example.org/customers/tiktok.html", "https://example.com/report"}},
		{"", 1, []string{"https://example.com/report"}},
	} {
		content, unwound, err := inlineStyles([]byte(sampleContent), tc.base, nil)
		if err != nil {
			t.Fatal(err)
		}
		if unwound != tc.unwound {
			t.Errorf("base %q: %d links made plain text, want %d", tc.base, unwound, tc.unwound)
		}
		var hrefs []string
		for _, n := range elements(t, content) {
			if n.Data == "a" {
				hrefs = append(hrefs, attr(n, "href"))
			}
		}
		if strings.Join(hrefs, " ") != strings.Join(tc.hrefs, " ") {
			t.Errorf("base %q: links %q, want %q", tc.base, hrefs, tc.hrefs)
		}
		text := string(content)
		for _, want := range []string{"TikTok&#39;s page", "the report", "note<sup", ">1</sup>"} {
			if !strings.Contains(text, want) {
				t.Errorf("base %q: the words %q are gone:\n%s", tc.base, want, text)
			}
		}
	}
}

// TestPreheader: [email] preheader wins; else the first sentence of the
// first paragraph, which a figure's decimal point does not end.
func TestPreheader(t *testing.T) {
	cfg := sampleSite()
	content, _, _ := inlineStyles([]byte(sampleContent), "", nil)
	if got, want := preheader(cfg, content), "One customer is a quarter of the business."; got != want {
		t.Errorf("preheader = %q, want %q", got, want)
	}
	cfg.Email.Preheader = "  Read this first.  "
	if got := preheader(cfg, content); got != "Read this first." {
		t.Errorf("with [email] preheader: %q", got)
	}
	for in, want := range map[string]string{
		"TikTok pays $20.4M a month. That is a quarter.": "TikTok pays $20.4M a month.",
		"Growth was 29%! Below hopes.":                   "Growth was 29%!",
		"No full stop at all":                            "No full stop at all",
		"Ends at the end.":                               "Ends at the end.",
		"e.g. this is not a sentence end. Next.":         "e.g. this is not a sentence end.",
		strings.Repeat("word ", 40) + "end.":             strings.TrimSpace(strings.Repeat("word ", 28)) + "…",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
	page := string(layout(cfg, "S", `<b>&</b>`, nil))
	if !strings.Contains(page, "&lt;b&gt;&amp;&lt;/b&gt;") {
		t.Error("the preheader is not escaped")
	}
}
