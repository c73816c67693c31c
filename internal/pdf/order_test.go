package pdf

import (
	"errors"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/page"
)

func paths(ps []page.Page) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Path)
	}
	return strings.Join(s, " ")
}

// examplePages are pages as the page stage orders them: content pages by
// order, the pages made per row after their file's place.
var examplePages = []page.Page{
	{Path: "index.html", InNav: true},
	{Path: "customers.html", InNav: true, Lists: map[string][]page.Link{"customer": {{Path: "customer/b.html"}, {Path: "customer/a.html"}}}},
	{Path: "customer/a.html"},
	{Path: "customer/b.html"},
	{Path: "results.html", InNav: true},
	{Path: "region/x.html"},
}

func TestOrder(t *testing.T) {
	for _, c := range []struct {
		names []string
		rows  bool
		want  string
	}{
		{nil, false, "index.html customers.html results.html"},
		{nil, true, "index.html customers.html customer/b.html customer/a.html results.html region/x.html"},
		{[]string{"results", "customer/a.html", " index"}, false, "index.html customer/a.html results.html"},
	} {
		got, err := Order(examplePages, c.names, c.rows)
		if err != nil {
			t.Fatal(err)
		}
		if paths(got) != c.want {
			t.Errorf("Order(%q, rows %v) = %s, want %s", c.names, c.rows, paths(got), c.want)
		}
	}
}

func TestOrderUnknownPage(t *testing.T) {
	_, err := Order(examplePages, []string{"custmers", "nowhere"}, false)
	var msgs []string
	for _, e := range diag.Flatten(err) {
		if e.Kind != diag.Config {
			t.Errorf("%v: kind %v, want configuration", e, e.Kind)
		}
		msgs = append(msgs, e.Error())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		`no page "custmers" (did you mean customers? pages: index, customers, results, and 3 made per row)`,
		`no page "nowhere" (pages: index, customers, results, and 3 made per row)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors:\n%s\nwant one with %s", got, want)
		}
	}
}

func TestFindChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := FindChromium(""); !errors.Is(err, ErrNoChromium) || !strings.Contains(err.Error(), "looked for chromium, chromium-browser") {
		t.Errorf("FindChromium with an empty PATH: %v", err)
	}
	if _, err := FindChromium("/nowhere/chromium"); !errors.Is(err, ErrNoChromium) {
		t.Errorf("FindChromium of a missing file: %v", err)
	}
}
