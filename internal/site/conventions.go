package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// The files of web conventions that Render writes besides the pages:
//   - 404.html, always: a page for addresses the site does not have, with
//     the navigation. With base_url its links start from the site's root
//     path, so that it works at any depth a static host serves it from.
//   - sitemap.xml and robots.txt, when the site has a base_url (both need
//     absolute URLs): every page, in the order of the pages.
//   - assets/search.js and assets/search-index.js, when the site has more
//     than SearchMinPages pages: a search box over the pages' titles and
//     descriptions, run in the browser, from the site's own files.
//
// A file of these that the site's static/ folder gives (Input.Taken) is
// not written: the site's own wins.
const (
	NotFoundPage = "404.html"
	SitemapFile  = "sitemap.xml"
	RobotsFile   = "robots.txt"
	SearchScript = "assets/search.js"
	SearchIndex  = "assets/search-index.js"
)

// SearchMinPages is the number of pages above which the site gets a
// search box: up to it, the navigation and the lists of pages are enough.
const SearchMinPages = 10

// hasSearch reports whether the site gets the search box.
func hasSearch(in Input) bool { return len(in.Pages) > SearchMinPages }

// ConventionNames lists the convention files Render writes for in,
// after the pages.
func ConventionNames(in Input) []string {
	names := []string{NotFoundPage}
	if in.Config.BaseURL != "" {
		names = append(names, SitemapFile, RobotsFile)
	}
	if hasSearch(in) {
		names = append(names, SearchScript, SearchIndex)
	}
	var out []string
	for _, n := range names {
		if in.Taken == nil || !in.Taken(n) {
			out = append(out, n)
		}
	}
	return out
}

// writeConventions writes the convention files for in to w.
func writeConventions(t *template.Template, in Input, w Writer) error {
	for _, name := range ConventionNames(in) {
		var b []byte
		var err error
		switch name {
		case NotFoundPage:
			b, err = notFound(t, in)
		case SitemapFile:
			b, err = sitemap(in)
		case RobotsFile:
			b = robots(in)
		case SearchScript:
			b = Asset("search.js")
		case SearchIndex:
			b, err = searchIndex(in)
		}
		if err != nil {
			return err
		}
		if err := w.WriteFile(name, b); err != nil {
			return err
		}
	}
	return nil
}

// siteURL is the absolute URL of a file of the site, from base_url.
func siteURL(base, name string) string {
	return strings.TrimSuffix(base, "/") + "/" + name
}

// rootPath is the path of the site's root on its host, from base_url:
// "/" or "/briefing/".
func rootPath(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

var notFoundBody = template.Must(template.New("404").Parse(
	`<p>There is no page at this address. It may have moved, or the link that led here may be mistyped.</p>
<p><a href="{{.}}index.html">Go to the first page of the briefing</a></p>
`))

// notFound renders 404.html with the site's layout.
func notFound(t *template.Template, in Input) ([]byte, error) {
	root := ""
	if in.Config.BaseURL != "" {
		root = rootPath(in.Config.BaseURL)
	}
	var body bytes.Buffer
	if err := notFoundBody.Execute(&body, root); err != nil {
		return nil, err
	}
	data := PageData{
		Site:       in.Config,
		Page:       PageInfo{Title: "Page not found", Path: NotFoundPage},
		Root:       root,
		Content:    template.HTML(body.String()),
		Generated:  in.Generated,
		EChartsSrc: root + "assets/echarts.min.js",
		NoIndex:    true,
	}
	for _, l := range in.Nav {
		data.Nav = append(data.Nav, NavItem{Title: l.Title, URL: root + l.Path})
	}
	data.Search = searchData(in, root)
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "base.html", data); err != nil {
		return nil, execError(err)
	}
	return b.Bytes(), nil
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemap lists every page's absolute URL (sitemaps.org protocol 0.9).
func sitemap(in Input) ([]byte, error) {
	s := sitemapSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range in.Pages {
		s.URLs = append(s.URLs, sitemapURL{Loc: siteURL(in.Config.BaseURL, p.Path)})
	}
	b, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}

// robots allows every crawler everywhere and names the sitemap.
func robots(in Input) []byte {
	return fmt.Appendf(nil, "User-agent: *\nAllow: /\n\nSitemap: %s\n", siteURL(in.Config.BaseURL, SitemapFile))
}

// SearchEntry is one page in the search index.
type SearchEntry struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Path        string `json:"path"` // site-relative
}

// SearchData is what base.html needs to show the search box; nil when
// the site has none.
type SearchData struct {
	Script string // URL of assets/search.js from the page
	Index  string // URL of assets/search-index.js from the page
	Root   string // prefix of the site's root from the page, for results
}

func searchData(in Input, root string) *SearchData {
	if !hasSearch(in) {
		return nil
	}
	return &SearchData{Script: root + SearchScript, Index: root + SearchIndex, Root: root}
}

// searchIndex is the index as a script that hands the JSON to search.js:
// a script, not a .json file, so that search works when the site is
// opened from disk, where a page may not fetch files. encoding/json
// escapes <, > and &, and the entries are data only.
func searchIndex(in Input) ([]byte, error) {
	entries := make([]SearchEntry, 0, len(in.Pages))
	for _, p := range in.Pages {
		entries = append(entries, SearchEntry{Title: p.Title, Description: p.Description, Path: p.Path})
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "window.briefingSearch && window.briefingSearch(%s);\n", b), nil
}

// ParseSearchIndex reads the entries back from assets/search-index.js.
func ParseSearchIndex(b []byte) ([]SearchEntry, error) {
	s := strings.TrimSpace(string(b))
	s, ok := strings.CutPrefix(s, "window.briefingSearch && window.briefingSearch(")
	if !ok {
		return nil, fmt.Errorf("not a search index")
	}
	s, ok = strings.CutSuffix(s, ");")
	if !ok {
		return nil, fmt.Errorf("not a search index")
	}
	var entries []SearchEntry
	err := json.Unmarshal([]byte(s), &entries)
	return entries, err
}
