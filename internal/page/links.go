package page

import (
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/yuin/goldmark/util"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
)

// hrefs lists the markdown links of a page at out, each with the output
// path it leads to when it stays in the site.
func hrefs(d *narrative.Doc, out string) []Href {
	var hs []Href
	for _, l := range d.Links() {
		hs = append(hs, Href{Dest: l.Dest, Target: target(out, l.Dest), Pos: l.Pos})
	}
	return hs
}

// target resolves a link written on the page at from to a site-relative
// output path; "" for a link that leaves the site (a scheme, a host) or
// stays on the page (#fragment).
func target(from, dest string) string {
	// As the HTML renderer writes it, so that a link reads the same here
	// as in the page.
	u, err := url.Parse(string(util.URLEscape([]byte(dest), true)))
	if err != nil || u.IsAbs() || u.Host != "" || u.Path == "" || strings.HasPrefix(dest, "mailto:") {
		return ""
	}
	t := path.Join(path.Dir(from), u.Path)
	if strings.HasSuffix(u.Path, "/") {
		t = path.Join(t, "index.html")
	}
	return t
}

// CheckLinks reports the links between pages that lead nowhere: a link
// in a page's markdown whose target the output does not hold (exists says
// whether it does). They are warnings: the page is still published (an
// error under --strict). A link in a file made per row is reported once,
// from the first page that has it.
func CheckLinks(pages []Page, exists func(path string) bool) []*diag.Error {
	var out []*diag.Error
	seen := map[diag.Pos]bool{}
	for _, p := range pages {
		for _, h := range p.Links {
			if h.Target == "" || seen[h.Pos] || exists(h.Target) {
				continue
			}
			seen[h.Pos] = true
			u, _ := url.Parse(string(util.URLEscape([]byte(h.Dest), true)))
			out = append(out, &diag.Error{Kind: diag.Content, Pos: h.Pos, Warning: true,
				Msg: "link to " + u.Path + " from " + p.Path + ": there is no such page or file in the output"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return out
}
