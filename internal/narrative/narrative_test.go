package narrative

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

const file = "content/a.md"

func knownCharts(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

// blockMarker renders a chart as a marker the tests can find.
func blockMarker(w io.Writer, r Block) error {
	return placeMarker(w, r.RefName())
}

// parseCharts parses src and checks its chart placements against known
// charts, as the page stage does, at the chart's name.
func parseCharts(src string, known func(string) bool) (*Doc, error) {
	d, err := Parse(file, []byte(src))
	if err != nil {
		return nil, err
	}
	for _, r := range d.Refs() {
		if c, ok := r.(*ChartRef); ok && !known(c.Name) {
			return nil, diag.Content.Errorf(c.At, "unknown chart %q (charts are the files in charts/, named without .toml)", c.Name)
		}
	}
	return d, nil
}

// placeMarker writes the marker of the named chart.
func placeMarker(w io.Writer, name string) error {
	_, err := fmt.Fprintf(w, "<div data-test-chart=%q></div>\n", name)
	return err
}

func render(t *testing.T, src string, known func(string) bool) (*Doc, string) {
	t.Helper()
	d, err := parseCharts(src, known)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var b bytes.Buffer
	if err := d.Render(&b, blockMarker, nil); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return d, b.String()
}

func TestFrontMatter(t *testing.T) {
	src := "+++\ntitle = \"Customers\"\norder = 2\ndescription = \"Who buys\"\ndraft = true\n+++\n# Body\n"
	d, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{Title: "Customers", Order: 2, Description: "Who buys", Draft: true}
	if d.Meta != want || d.File != file {
		t.Errorf("Meta = %+v, File = %q; want %+v, %q", d.Meta, d.File, want, file)
	}
	var b bytes.Buffer
	if err := d.Render(&b, blockMarker, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "title") || strings.Contains(out, "+++") {
		t.Errorf("front matter leaked into the page:\n%s", out)
	}
	if !strings.Contains(out, `<h1 id="body">Body</h1>`) {
		t.Errorf("body not rendered:\n%s", out)
	}
}

func TestFrontMatterVariants(t *testing.T) {
	tests := []struct{ name, src string }{
		{"CRLF", "+++\r\ntitle = \"T\"\r\n+++\r\nBody text\r\n"},
		{"byte-order mark", "\xef\xbb\xbf+++\ntitle = \"T\"\n+++\nBody text\n"},
		{"closing line with trailing spaces", "+++\ntitle = \"T\"\n+++  \nBody text\n"},
		{"no body", "+++\ntitle = \"T\"\n+++"},
	}
	for _, tt := range tests {
		d, err := Parse(file, []byte(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d.Meta.Title != "T" {
			t.Errorf("%s: title = %q", tt.name, d.Meta.Title)
		}
		var b bytes.Buffer
		if err := d.Render(&b, blockMarker, nil); err != nil {
			t.Errorf("%s: Render: %v", tt.name, err)
		}
		if strings.Contains(b.String(), "+++") || strings.Contains(b.String(), "title") {
			t.Errorf("%s: front matter leaked: %q", tt.name, b.String())
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // whole message, or a prefix ending in ": " when the rest is the TOML library's
	}{
		{
			"no front matter",
			"# Title\n",
			`content/a.md:1:1: expected front matter: a +++ line, TOML (title = "…"), and a closing +++ line`,
		},
		{
			"front matter not at the start",
			"\n+++\ntitle = \"T\"\n+++\n",
			`content/a.md:1:1: expected front matter: a +++ line, TOML (title = "…"), and a closing +++ line`,
		},
		{
			"unclosed",
			"+++\ntitle = \"T\"\n# Body\n",
			`content/a.md:1:1: front matter is not closed: add a +++ line after it`,
		},
		{
			"missing title",
			"+++\norder = 1\n+++\nBody\n",
			`content/a.md:2:1: front matter needs a title`,
		},
		{
			"blank title",
			"+++\ntitle = \" \"\n+++\nBody\n",
			`content/a.md:2:1: front matter needs a title`,
		},
		{
			"unknown key counts the +++ line",
			"+++\ntitle = \"T\"\nordr = 2\n+++\n",
			`content/a.md:3:1: unknown key "ordr"`,
		},
		{
			"wrong type counts the +++ line",
			"+++\ntitle = \"T\"\n\norder = \"two\"\n+++\n",
			`content/a.md:4:9: order: `,
		},
		{
			"syntax error counts the +++ line",
			"+++\ntitle = \"T\"\norder = = 2\n+++\n",
			`content/a.md:3:9: `,
		},
		{
			"unknown chart at its name",
			"+++\ntitle = \"T\"\n+++\nIntro.\n\n{{chart nope}}\n",
			`content/a.md:6:9: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"unknown chart with spaces",
			"+++\ntitle = \"T\"\n+++\n\n  {{ chart  nope }}\n",
			`content/a.md:5:13: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"unknown chart indented", // up to three spaces is still a block
			"+++\ntitle = \"T\"\n+++\n\n   {{chart nope}}\n",
			`content/a.md:5:12: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"unknown chart in a list item",
			"+++\ntitle = \"T\"\n+++\n- {{chart nope}}\n",
			`content/a.md:4:11: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"unknown chart in a list item after a tab",
			"+++\ntitle = \"T\"\n+++\n-\t{{chart nope}}\n",
			`content/a.md:4:11: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"unknown chart in a quote",
			"+++\ntitle = \"T\"\n+++\n> {{chart nope}}\n",
			`content/a.md:4:11: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
		},
		{
			"placement inside a paragraph",
			"+++\ntitle = \"T\"\n+++\nIntro.\n\nSome text {{chart spend}} more.\n",
			`content/a.md:6:11: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
		{
			"spaced placement inside a paragraph",
			"+++\ntitle = \"T\"\n+++\nSome text {{ chart spend }} more.\n",
			`content/a.md:4:11: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
		{
			"placement in emphasis",
			"+++\ntitle = \"T\"\n+++\nSee *{{chart spend}}*\n",
			`content/a.md:4:6: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
		{
			"placement after text on a later paragraph line",
			"+++\ntitle = \"T\"\n+++\nFirst line\nsecond {{chart spend}}\n",
			`content/a.md:5:8: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
		{
			"placement followed by text",
			"+++\ntitle = \"T\"\n+++\n{{chart spend}} and more\n",
			`content/a.md:4:1: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
		{
			"placement in a list item",
			"+++\ntitle = \"T\"\n+++\n- item {{chart spend}}\n",
			`content/a.md:4:8: a chart placement must stand alone on its own line: {{chart NAME}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseCharts(tt.src, knownCharts("spend"))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is %T, want a *diag.Error", err, err)
			}
			got := err.Error()
			if strings.HasSuffix(tt.want, ": ") {
				if !strings.HasPrefix(got, tt.want) {
					t.Errorf("error =\n\t%s\nwant it to start with\n\t%s", got, tt.want)
				}
			} else if got != tt.want {
				t.Errorf("error =\n\t%s\nwant\n\t%s", got, tt.want)
			}
		})
	}
}

func TestPlacement(t *testing.T) {
	src := "+++\ntitle = \"T\"\n+++\nIntro paragraph.\n\n{{chart spend-share}}\n\nMiddle.\n{{ chart total }}\n\n   {{chart spend-share}}\n"
	d, out := render(t, src, knownCharts("spend-share", "total"))
	if want := []string{"spend-share", "total", "spend-share"}; !slices.Equal(d.Charts, want) {
		t.Errorf("Charts = %q, want %q", d.Charts, want)
	}
	if n := strings.Count(out, `<div data-test-chart="spend-share"></div>`); n != 2 {
		t.Errorf("spend-share placed %d times, want 2:\n%s", n, out)
	}
	if n := strings.Count(out, `<div data-test-chart="total"></div>`); n != 1 {
		t.Errorf("total placed %d times, want 1:\n%s", n, out)
	}
	if strings.Contains(out, "{{") {
		t.Errorf("placement text leaked:\n%s", out)
	}
	// A chart interrupts the paragraph before it: "Middle." stays a paragraph
	// of its own and the chart is not inside a <p>.
	if !strings.Contains(out, "<p>Middle.</p>") || strings.Contains(out, "<p><div") {
		t.Errorf("placement not a block of its own:\n%s", out)
	}
	if !strings.Contains(out, "<p>Intro paragraph.</p>\n<div") {
		t.Errorf("chart does not follow the intro:\n%s", out)
	}
}

func TestPlacementInCodeIsText(t *testing.T) {
	// Showing the syntax in code is not a placement.
	src := "+++\ntitle = \"T\"\n+++\n```\n{{chart nope}}\n```\n\n    {{chart nope}}\n"
	d, out := render(t, src, knownCharts())
	if len(d.Charts) != 0 {
		t.Errorf("Charts = %q, want none", d.Charts)
	}
	if strings.Count(out, "{{chart nope}}") != 2 || strings.Contains(out, "data-test-chart") {
		t.Errorf("code not rendered as text:\n%s", out)
	}
}

func TestPlacementInCodeSpanIsText(t *testing.T) {
	// Prose may show the syntax in a code span; that places nothing and is
	// not a misplaced chart.
	d, out := render(t, "+++\ntitle = \"T\"\n+++\nWrite `{{chart NAME}}` on a line of its own.\n", knownCharts())
	if len(d.Charts) != 0 || !strings.Contains(out, "<code>{{chart NAME}}</code>") {
		t.Errorf("Charts = %q, output:\n%s", d.Charts, out)
	}
}

func TestRenderPlaceError(t *testing.T) {
	d, err := Parse(file, []byte("+++\ntitle = \"T\"\n+++\n{{chart x}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = d.Render(io.Discard, func(io.Writer, Block) error { return boom }, nil)
	if !errors.Is(err, boom) || err.Error() != file+":4:9: boom" {
		t.Errorf("Render error = %v, want boom at the placement's position", err)
	}
	// A nil PlaceFunc renders no chart and no error.
	var b bytes.Buffer
	if err := d.Render(&b, nil, nil); err != nil || strings.Contains(b.String(), "chart") {
		t.Errorf("Render(nil) = %q, %v", b.String(), err)
	}
	if err := d.Release(); err != nil {
		t.Fatal(err)
	}
	err = d.Render(io.Discard, func(io.Writer, Block) error { return boom }, nil)
	if !errors.Is(err, boom) || err.Error() != file+":4:9: boom" {
		t.Errorf("released, Render error = %v, want boom at the placement's position", err)
	}
}

// Released (its tree let go), a document renders as before from the HTML
// it kept: every block where it was placed, every inline reference's text
// by its slot, escaped; and Blocks still lists the blocks.
func TestReleaseRendersSame(t *testing.T) {
	src := "+++\ntitle = \"T\"\n+++\n# Spend {{fig total}}\n\n" +
		"Total {{fig total}}, {{if share > 50% then \"north\" else \"south\"}} leads.[^1]\n\n" +
		"{{chart spend}}\n\n- one {{row name}}\n- two\n\n> {{table top}}\n\n" +
		"| a | b |\n|---|---|\n| {{fig x}} | `{{fig code}}` |\n\n[next](other.md) and more.\n\n" +
		"{{pages customer}}\n\n[^1]: A note with {{fig note}}.\n"
	d, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range d.Blocks() {
		names = append(names, b.RefName())
	}
	texts := make([]string, d.Slots())
	for i := range texts {
		texts[i] = fmt.Sprintf("<t%d>", i)
	}
	render := func() string {
		var b bytes.Buffer
		err := d.Render(&b, func(w io.Writer, r Block) error {
			_, err := fmt.Fprintf(w, "<div data-%T=%q></div>", r, r.RefName())
			return err
		}, texts)
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	want := render()
	for _, s := range append([]string{"<div data-*narrative.ChartRef=\"spend\">", "&lt;t0&gt;", "<blockquote>"}, texts[len(texts)-1]) {
		if !strings.Contains(want, s) && !strings.Contains(want, html.EscapeString(s)) {
			t.Fatalf("the tree's rendering lacks %q:\n%s", s, want)
		}
	}
	if err := d.Release(); err != nil {
		t.Fatal(err)
	}
	if d.Refs() != nil {
		t.Errorf("after Release, Refs() = %v; want none (the tree is gone)", d.Refs())
	}
	if got := render(); got != want {
		t.Errorf("released, the document renders\n%s\nwant\n%s", got, want)
	}
	var after []string
	for _, b := range d.Blocks() {
		after = append(after, b.RefName())
		if b.Parent() != nil || b.NextSibling() != nil {
			t.Errorf("block %s still holds its tree", b.RefName())
		}
	}
	if strings.Join(after, ",") != strings.Join(names, ",") || len(names) != 3 {
		t.Errorf("Blocks after Release = %v; before %v (want spend, top, customer)", after, names)
	}
}

func TestLinks(t *testing.T) {
	src := "+++\ntitle = \"T\"\n+++\n" +
		"[a](customers.md) [b](../x/y.md#growth) [c](https://example.com/readme.md) " +
		"[d](outlook.md?v=1#top) [e](#local) [f](data.csv) [g](mailto:x@example.com) [h](//cdn.example/a.md)\n\n" +
		"[ref]\n\n[ref]: results.md#q2\n"
	_, out := render(t, src, knownCharts())
	for _, want := range []string{
		`<a href="customers.html">a</a>`,
		`<a href="../x/y.html#growth">b</a>`,
		`<a href="https://example.com/readme.md">c</a>`,
		`<a href="outlook.html?v=1#top">d</a>`,
		`<a href="#local">e</a>`,
		`<a href="data.csv">f</a>`,
		`<a href="mailto:x@example.com">g</a>`,
		`<a href="//cdn.example/a.md">h</a>`,
		`<a href="results.html#q2">ref</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestPageLink(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x.md", "x.html"},
		{"x.md#frag", "x.html#frag"},
		{"a/b/c.md", "a/b/c.html"},
		{"../up.md#s", "../up.html#s"},
		{"https://example.com/x.md", "https://example.com/x.md"},
		{"http://example.com/x.md#y", "http://example.com/x.md#y"},
		{"//host/x.md", "//host/x.md"},
		{"x.markdown", "x.markdown"},
		{"x.md.txt", "x.md.txt"},
		{"#x.md", "#x.md"},
		{"", ""},
		{"my%20page.md", "my%20page.html"},
	}
	for _, tt := range tests {
		if got := PageLink(tt.in); got != tt.want {
			t.Errorf("PageLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnsafeMarkdown(t *testing.T) {
	src := "+++\ntitle = \"T\"\n+++\n" +
		"<script>alert(1)</script>\n\n" +
		"Inline <script>alert(2)</script> and <img src=x onerror=alert(3)> html.\n\n" +
		"<div onclick=\"alert(4)\">block</div>\n\n" +
		"[a](javascript:alert(5)) [b](JavaScript:alert(6)) [c](javascript&#58;alert(7)) [d](vbscript:x) [e](data:text/html,x)\n\n" +
		"<javascript:alert(8)>\n"
	_, out := render(t, src, knownCharts())
	// No element or attribute of the raw HTML reaches the page. (The text
	// between inline tags, such as alert(2), stays as harmless text.)
	for _, bad := range []string{"<script", "</script", "<img", "<div", "onerror", "onclick"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	if m := dangerousURL.FindString(out); m != "" {
		t.Errorf("output links to %s:\n%s", m, out)
	}
	// The link texts survive; only the destinations go.
	for _, want := range []string{`<a href="">a</a>`, `<a href="">b</a>`, `<a href="">c</a>`, `<a href="">d</a>`, `<a href="">e</a>`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

var dangerousURL = regexp.MustCompile(`(?i)(href|src)\s*=\s*["']?\s*(javascript|vbscript|data)(:|&#0*58;|&colon;)`)

func TestGFM(t *testing.T) {
	src := "+++\ntitle = \"T\"\n+++\n" +
		"## Customer concentration\n\n" +
		"| Customer | Spend |\n|---|---:|\n| TikTok | $20M |\n\n" +
		"TikTok is large.[^big]\n\n[^big]: About a quarter of spend.\n\n" +
		"~~gone~~ and https://example.com/auto\n\n" +
		"- [x] done\n"
	_, out := render(t, src, knownCharts())
	for _, want := range []string{
		`<h2 id="customer-concentration">Customer concentration</h2>`,
		`<table>`,
		`<th>Customer</th>`,
		`<th style="text-align:right">Spend</th>`,
		`<td>TikTok</td>`,
		`<td style="text-align:right">$20M</td>`,
		`href="#fn:1"`,
		`class="footnote-ref"`,
		`<div class="footnotes"`,
		`About a quarter of spend.`,
		`<del>gone</del>`,
		`<a href="https://example.com/auto">https://example.com/auto</a>`,
		`type="checkbox"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestHeadingIDsUnique(t *testing.T) {
	_, out := render(t, "+++\ntitle = \"T\"\n+++\n# Results\n\n## Results\n\n### Q2 2024: growth!\n", knownCharts())
	for _, want := range []string{`<h1 id="results">`, `<h2 id="results-1">`, `<h3 id="q2-2024-growth">`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestMaxBytes(t *testing.T) {
	head := "+++\ntitle = \"T\"\n+++\n"
	body := strings.Repeat("a", MaxBytes-len(head))
	if _, err := Parse(file, []byte(head+body)); err != nil {
		t.Errorf("a file of exactly MaxBytes: %v", err)
	}
	_, err := Parse(file, []byte(head+body+"b"))
	want := fmt.Sprintf("content/a.md: file is %d bytes, over the limit of %d", MaxBytes+1, MaxBytes)
	if err == nil || err.Error() != want {
		t.Errorf("over MaxBytes: error = %v, want %s", err, want)
	}
}
