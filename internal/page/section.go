package page

import (
	"cmp"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefing-dev/briefing/internal/narrative"
)

// Sections and navigation.
//
// Every folder under content/ is a section: content/a/b/c.md is the page
// a/b/c.html in section a/b, which is in section a. A section's index page
// is FOLDER/index.html: its content/FOLDER/index.md when there is one,
// else a page made for it, titled after the folder ("market-share" →
// "Market share"). Below its text, the index page lists the section's
// pages and its subsections (Page.List), in front-matter order, then by
// file name. Pages made per row are not listed; {{pages NAME}} lists them.
//
// The top bar (Set.Nav) holds the top-level pages and sections, at most
// MaxNav of them; a site with more ends the bar with a link to the home
// page (index.html, made when content/index.md is missing), which then
// lists them all. Each page also gets the sections above it (Page.Crumbs).
// So what a page carries for navigation depends on how deep it sits, not
// on how many pages the site has.

// MaxNav is the most top-level entries the top bar shows.
const MaxNav = 12

// MoreTitle is the title of the top bar's last entry on a site with more
// than MaxNav top-level entries.
const MoreTitle = "All pages"

// entry is a page or a subsection listed in a section.
type entry struct {
	link  Link
	order int
	key   string // content file, for ordering
}

// section is one content folder.
type section struct {
	dir     string // "a/b"; "." for content/ itself
	index   int    // the index page in the pages slice, or -1
	order   int
	entries []entry
	crumbs  []Link // the sections above it and itself, outermost first
}

// addSections gives each content folder its index page (making the
// missing ones), lists each section's entries on its index page, sets
// every page's crumbs and returns the pages with the made ones appended
// and the top bar.
func addSections(pages []Page, srcs []source, from []int) ([]Page, []Link) {
	taken := make(map[string]bool, len(pages))
	for _, p := range pages {
		taken[p.Path] = true
	}
	secs := map[string]*section{".": {dir: ".", index: -1}}
	var get func(dir string) *section
	get = func(dir string) *section {
		if s, ok := secs[dir]; ok {
			return s
		}
		s := &section{dir: dir, index: -1}
		secs[dir] = s
		get(path.Dir(dir))
		return s
	}
	for i := range pages {
		doc := srcs[from[i]].doc
		dir := contentDir(doc.File)
		s := get(dir)
		if pages[i].InNav && path.Base(doc.File) == "index.md" {
			s.index, s.order = i, doc.Meta.Order
		}
	}
	dirs := sortedDirs(secs)
	for _, dir := range dirs {
		s := secs[dir]
		if s.index < 0 && dir != "." && !taken[dir+"/index.html"] {
			pages = append(pages, madePage(dir+"/index.html", folderTitle(path.Base(dir))))
			s.index = len(pages) - 1
		}
	}
	for i := range pages[:len(from)] {
		doc := srcs[from[i]].doc
		s := secs[contentDir(doc.File)]
		if !pages[i].InNav || i == s.index && s.dir != "." {
			continue
		}
		s.entries = append(s.entries, entry{Link{pages[i].Title, pages[i].Path}, doc.Meta.Order, doc.File})
	}
	for _, dir := range slices.Backward(dirs) { // children before parents
		s := secs[dir]
		if dir == "." || s.index < 0 {
			continue
		}
		if s.index >= len(from) && len(s.entries) > 0 { // made: placed as its first entry is
			s.order = slices.MinFunc(s.entries, func(a, b entry) int { return cmp.Compare(a.order, b.order) }).order
		}
		parent := secs[path.Dir(dir)]
		p := pages[s.index]
		parent.entries = append(parent.entries, entry{Link{p.Title, p.Path}, s.order, "content/" + dir + "/index.md"})
	}
	for _, dir := range dirs { // parents before children, for the crumbs
		s := secs[dir]
		sortEntries(s.entries)
		if dir == "." {
			continue
		}
		s.crumbs = secs[path.Dir(dir)].crumbs
		if s.index >= 0 {
			s.crumbs = append(s.crumbs[:len(s.crumbs):len(s.crumbs)], Link{pages[s.index].Title, pages[s.index].Path})
			pages[s.index].Section = dir
			pages[s.index].List = links(s.entries)
		}
	}
	for i := range pages {
		dir := pageDir(pages, srcs, from, i)
		c := secs[dir].crumbs
		if pages[i].Section != "" {
			c = secs[path.Dir(dir)].crumbs
		}
		pages[i].Crumbs = c
	}
	return topBar(pages, secs["."], taken)
}

// pageDir is the section a page belongs to: its content file's folder, or
// for a made index page, the folder it indexes.
func pageDir(pages []Page, srcs []source, from []int, i int) string {
	if i >= len(from) {
		return cmp.Or(pages[i].Section, ".")
	}
	return contentDir(srcs[from[i]].doc.File)
}

// topBar returns the top-level entries, capped at MaxNav; over the cap the
// home page lists them all and the bar ends with a link to it.
func topBar(pages []Page, root *section, taken map[string]bool) ([]Page, []Link) {
	all := links(root.entries)
	if len(all) <= MaxNav {
		return pages, all
	}
	home := root.index
	if home < 0 {
		if taken["index.html"] {
			home = indexOf(pages, "index.html")
		} else {
			pages = append(pages, madePage("index.html", "Home"))
			home = len(pages) - 1
		}
	}
	for _, l := range all {
		if l.Path != "index.html" {
			pages[home].List = append(pages[home].List, l)
		}
	}
	nav := append(all[:MaxNav:MaxNav], Link{MoreTitle, "index.html"})
	return pages, nav
}

func indexOf(pages []Page, p string) int {
	for i := range pages {
		if pages[i].Path == p {
			return i
		}
	}
	return -1
}

// madePage is a section's index page for a folder without index.md.
func madePage(out, title string) Page {
	doc, err := narrative.Parse("content/"+strings.TrimSuffix(out, ".html")+".md", []byte("+++\ntitle = \"index\"\n+++\n"))
	if err != nil {
		panic("page: an empty content file does not parse: " + err.Error())
	}
	return Page{Doc: doc, Path: out, Title: title}
}

// contentDir is the folder of a content file under content/: "." at the
// top.
func contentDir(file string) string {
	return path.Dir(strings.TrimPrefix(file, "content/"))
}

// sortedDirs lists the sections, each after its parent.
func sortedDirs(secs map[string]*section) []string {
	dirs := make([]string, 0, len(secs))
	for d := range secs {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		a, b := depth(dirs[i]), depth(dirs[j])
		if a != b {
			return a < b
		}
		return dirs[i] < dirs[j]
	})
	return dirs
}

func depth(dir string) int {
	if dir == "." {
		return 0
	}
	return strings.Count(dir, "/") + 1
}

func sortEntries(es []entry) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].order != es[j].order {
			return es[i].order < es[j].order
		}
		return es[i].key < es[j].key
	})
}

func links(es []entry) []Link {
	out := make([]Link, len(es))
	for i, e := range es {
		out[i] = e.link
	}
	return out
}

// folderTitle makes a title of a folder name: "market-share" → "Market
// share".
func folderTitle(name string) string {
	t := strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }), " ")
	r, n := utf8.DecodeRuneInString(t)
	if n == 0 {
		return name
	}
	return string(unicode.ToUpper(r)) + t[n:]
}
