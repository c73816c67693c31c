package page

import (
	"fmt"
	"testing"
)

// TestLargeSiteReleasesTrees: over KeepTrees content files, each page's
// parsed markdown is let go once the page is bound, and the page renders
// as it does on a small site, its references and links resolved.
func TestLargeSiteReleasesTrees(t *testing.T) {
	const text = "Total {{fig total}}, {{fig share}} of it north.\n\n{{pages region}}\n\nSee [the next page](p-0002.md).\n"
	content := func(n int) map[string]string {
		c := map[string]string{"region.md": front("{{row region}}", `each = "regions"`) + "Region {{row region}}.\n"}
		for i := range n {
			c[fmt.Sprintf("p-%04d.md", i+1)] = front(fmt.Sprintf("Page %d", i+1)) + text
		}
		return c
	}
	render := func(n int) (Page, bool) {
		fsys, in := site(t, content(n))
		set, err := Prepare(fsys, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range set.Pages {
			if p.Path == "p-0001.html" {
				return p, p.Doc.Refs() == nil
			}
		}
		t.Fatal("no page p-0001.html")
		return Page{}, false
	}
	small, releasedSmall := render(2)
	large, releasedLarge := render(KeepTrees + 1)
	if releasedSmall || !releasedLarge {
		t.Errorf("tree released: %v with 2 files, %v with %d; want only the large site's", releasedSmall, releasedLarge, KeepTrees+1)
	}
	if got, want := body(t, large), body(t, small); got != want || want == "" {
		t.Errorf("a released page renders\n%s\nwant as on a small site\n%s", got, want)
	}
	if len(large.Links) != 1 || large.Links[0].Target != "p-0002.html" {
		t.Errorf("links of a released page: %+v", large.Links)
	}
}
