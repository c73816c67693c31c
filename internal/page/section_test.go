package page

import (
	"fmt"
	"strings"
	"testing"
)

// TestPagesReleaseTrees: once a page is bound, its parsed markdown is
// let go, and the page renders from the HTML kept, its references and
// links resolved; a file made per row is rendered once for all its rows.
func TestPagesReleaseTrees(t *testing.T) {
	const text = "Total {{fig total}}, {{fig share}} of it north.\n\n{{pages region}}\n\nSee [the next page](p-0002.md).\n"
	c := map[string]string{"region.md": front("{{row region}}", `each = "regions"`) + "Region {{row region}}.\n"}
	for i := range 3 {
		c[fmt.Sprintf("p-%04d.md", i+1)] = front(fmt.Sprintf("Page %d", i+1)) + text
	}
	fsys, in := site(t, c)
	set, err := Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	for _, p := range set.Pages {
		if p.Doc.Refs() != nil {
			t.Errorf("%s: the parsed tree is still held", p.Path)
		}
		bodies[p.Path] = body(t, p)
	}
	want := "<p>Total $2M, 60% of it north.</p>\n[region]<p>See <a href=\"p-0002.html\">the next page</a>.</p>\n"
	if got := bodies["p-0001.html"]; got != want {
		t.Errorf("p-0001.html renders\n%s\nwant\n%s", got, want)
	}
	if got := bodies["region/south.html"]; got != "<p>Region South.</p>\n" {
		t.Errorf("region/south.html renders %q", got)
	}
	for _, p := range set.Pages {
		if p.Path == "p-0001.html" && (len(p.Links) != 1 || p.Links[0].Target != "p-0002.html") {
			t.Errorf("links of p-0001.html: %+v", p.Links)
		}
	}
}

// A content file at the path where a file made per row puts one of its
// rows is an error naming both, at the content file.
func TestTwoPagesOnePath(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md":        front("T") + "Home.\n",
		"region.md":       front("{{row region}}", `each = "regions"`, `slug = "region"`) + "Region {{row region}}.\n",
		"region/north.md": front("North, by hand") + "Written by hand.\n",
	})
	_, err := Prepare(fsys, in)
	want := "content/region/north.md: two pages at region/north.html: one from content/region.md (a page per row of regions) and one from content/region/north.md; rename one of them"
	if err == nil || err.Error() != want {
		t.Errorf("Prepare = %v\nwant %s", err, want)
	}
}

// Two pages whose paths differ only in case are an error: where case is
// ignored one would replace the other.
func TestPagesDifferOnlyInCase(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md": front("T") + "Home.\n",
		"About.md": front("About") + "One.\n",
		"about.md": front("about") + "Two.\n",
	})
	_, err := Prepare(fsys, in)
	want := "content/about.md: pages About.html (from content/About.md) and about.html (from content/about.md) differ only in case"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Prepare = %v\nwant %s…", err, want)
	}
}
