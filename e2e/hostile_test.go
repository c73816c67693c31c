package e2e

import (
	"encoding/json"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// figureBlockRe matches one chart figure of the output, up to its end.
var figureBlockRe = regexp.MustCompile(`(?s)<figure class="chart" id="(chart-[^"]+)"[^>]*>(.*?)</figure>`)

// optionRe matches a chart's JSON option. The match ends at the first
// </script>, which is where a browser ends the element too.
var optionRe = regexp.MustCompile(`(?s)<script type="application/json" id="(chart-[^"]+)-option">(.*?)</script>`)

// dataTableRe matches a chart's data table.
var dataTableRe = regexp.MustCompile(`(?s)<details class="chart-data">.*?</details>`)

// TestHostileHTML builds testdata/hostile and checks its raw HTML: the
// customer names appear escaped in the data tables, never as markup, and
// the JSON options escape < and > so that no name can end its <script>.
// Every page of the build is checked for markup made of a name; the page
// with the charts, in full.
func TestHostileHTML(t *testing.T) {
	b := hostileSite(t)
	const page = "index.html"
	if !slices.Contains(b.Pages, page) {
		t.Fatalf("the hostile briefing built no %s (pages: %q)", page, b.Pages)
	}
	for _, p := range b.Pages {
		checkNoNameMarkup(t, p, b.html(t, p))
	}
	checkHostileHTML(t, page, b.html(t, page))
}

// checkNoNameMarkup fails the test if a hostile name is markup in the raw
// HTML of a page.
func checkNoNameMarkup(t *testing.T, page, src string) {
	t.Helper()
	for _, raw := range []string{"<img", "<script>window", nameImg, nameScript} {
		if i := strings.Index(strings.ToLower(src), strings.ToLower(raw)); i >= 0 {
			t.Errorf("%s: raw %q at byte %d: a customer name became markup: …%s…", page, raw, i, excerpt(src, i))
		}
	}
}

// checkHostileHTML checks the raw HTML of the hostile briefing's page.
func checkHostileHTML(t *testing.T, page, src string) {
	t.Helper()

	// Two external scripts (ECharts and briefing.js) and one JSON option per
	// chart: any other <script is a name that broke out.
	charts := []string{chartStacked, chartDonut, chartBar}
	if n, want := strings.Count(strings.ToLower(src), "<script"), 2+len(charts); n != want {
		t.Errorf("%s: %d <script elements, want %d (two asset scripts and one option per chart)", page, n, want)
	}

	figures := figureBlockRe.FindAllStringSubmatch(src, -1)
	var ids []string
	for _, f := range figures {
		ids = append(ids, f[1])
	}
	if !slices.Equal(ids, charts) {
		t.Fatalf("%s: chart figures %q, want %q", page, ids, charts)
	}
	for _, f := range figures {
		id, body := f[1], f[2]

		// The data table holds every name, HTML-escaped.
		tbl := dataTableRe.FindString(body)
		if tbl == "" {
			t.Errorf("%s: %s: no <details class=\"chart-data\"> table", page, id)
		}
		for _, n := range hostileNames {
			esc := html.EscapeString(n)
			if !strings.Contains(tbl, ">"+esc+"</th>") {
				t.Errorf("%s: %s: the data table lacks a cell holding the escaped name %q", page, id, esc)
			}
		}
		if !strings.Contains(tbl, "&lt;img src=x") || !strings.Contains(tbl, "&lt;/script&gt;&lt;script&gt;") {
			t.Errorf("%s: %s: the data table does not show the names escaped (&lt;img src=x …, &lt;/script&gt;&lt;script&gt; …)", page, id)
		}

		// The JSON option: < and > escaped as \u003c and \u003e, so the
		// element ends only at its own </script>.
		m := optionRe.FindStringSubmatch(body)
		if m == nil || m[1] != id {
			t.Errorf("%s: %s: no <script type=\"application/json\" id=\"%s-option\"> element", page, id, id)
			continue
		}
		opt := m[2]
		if i := strings.IndexAny(opt, "<>"); i >= 0 {
			t.Errorf("%s: %s: the JSON option holds a raw %q: …%s…", page, id, opt[i], excerpt(opt, i))
		}
		if !strings.Contains(opt, `\u003c/script\u003e\u003cscript\u003ewindow.pwned=1\u003c/script\u003e`) {
			t.Errorf("%s: %s: the JSON option lacks the name %q as \\u003c/script\\u003e…: %s", page, id, nameScript, opt)
		}
		if !strings.Contains(opt, `\u003cimg src=x onerror=window.pwned=3\u003e`) {
			t.Errorf("%s: %s: the JSON option lacks the name %q as \\u003cimg …: %s", page, id, nameImg, opt)
		}
		// The go-echarts function marker stays a plain JSON string: it is
		// never turned into code.
		if !strings.Contains(opt, `"`+nameFunc+`"`) {
			t.Errorf("%s: %s: the JSON option lacks the string %q, quoted: %s", page, id, nameFunc, opt)
		}
		var v any
		if err := json.Unmarshal([]byte(opt), &v); err != nil {
			t.Errorf("%s: %s: the option is not valid JSON: %v", page, id, err)
			continue
		}
		strs := jsonStrings(v)
		for _, n := range hostileNames {
			if !slices.Contains(strs, n) {
				t.Errorf("%s: %s: the decoded option lacks the string %q", page, id, n)
			}
		}
	}
}

// jsonStrings returns every string value in a decoded JSON value.
func jsonStrings(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// excerpt returns up to 60 bytes of s around i, for messages.
func excerpt(s string, i int) string {
	return s[max(0, i-30):min(len(s), i+30)]
}
