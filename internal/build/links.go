package build

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

var hrefAttr = regexp.MustCompile(`<a\b[^>]*\bhref="([^"]*)"`)

// checkLinks reports links between pages that lead nowhere: a relative
// link whose target is not in the output. They are warnings: the page is
// still published (an error under --strict).
func checkLinks(pages []site.Page, files site.Files) []*diag.Error {
	var out []*diag.Error
	seen := map[string]bool{}
	for _, p := range pages {
		for _, m := range hrefAttr.FindAllSubmatch(files[p.Path], -1) {
			link := strings.ReplaceAll(string(m[1]), "&amp;", "&")
			u, err := url.Parse(link)
			if err != nil || u.IsAbs() || u.Host != "" || u.Path == "" || strings.HasPrefix(link, "mailto:") {
				continue
			}
			target := path.Join(path.Dir(p.Path), u.Path)
			if strings.HasSuffix(u.Path, "/") {
				target = path.Join(target, "index.html")
			}
			if _, ok := files[target]; ok {
				continue
			}
			key := p.Doc.File + "\x00" + u.Path
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, &diag.Error{Kind: diag.Content, Pos: diag.Pos{File: p.Doc.File}, Warning: true,
				Msg: "link to " + u.Path + " from " + p.Path + ": there is no such page or file in the output"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Error() < out[j].Error() })
	return out
}
