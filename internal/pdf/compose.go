package pdf

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Page is one page of the site to print.
type Page struct {
	Path  string // output path in the site, e.g. "customer/tiktok.html"
	Title string
	HTML  []byte // the page as the site wrote it
}

// Cover is what the first page shows.
type Cover struct {
	Title, Subtitle, Period string
	Generated               string // the "generated at" stamp, or ""
	Language                string // BCP 47, for <html lang>
}

// Document is what a PDF is made from.
type Document struct {
	Cover Cover
	Pages []Page // in print order
	// BaseURL is where the site is published: a link to a page the PDF
	// leaves out, or to another file of the site, points there. Without
	// it such a link is plain text.
	BaseURL string
	// Has reports whether the site has a file, for images.
	Has func(name string) bool
}

// Anchor is the id of a page's section in the composed document, which
// its links point at: "page-customer-tiktok".
func Anchor(pagePath string) string {
	return "page-" + pageSlug(pagePath)
}

func pageSlug(p string) string {
	p = strings.TrimSuffix(p, ".html")
	return strings.NewReplacer("/", "-", ".", "-").Replace(p)
}

// Compose writes the one HTML document that is printed: the cover with its
// contents, then each page's main content in a section of its own. Page
// HTML is parsed and written back (package html), so text stays text;
// scripts are dropped, ids are made unique per page, and links are turned
// into links inside the document (see rewriteLink).
func Compose(d Document) ([]byte, error) {
	included := map[string]bool{}
	for _, p := range d.Pages {
		included[p.Path] = true
	}
	var sections []section
	for _, p := range d.Pages {
		body, err := pageBody(d, included, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p.Path, err)
		}
		sections = append(sections, section{ID: Anchor(p.Path), Title: p.Title, Body: body})
	}
	lang := d.Cover.Language
	if lang == "" {
		lang = "en"
	}
	var b bytes.Buffer
	err := documentTemplate.Execute(&b, struct {
		Cover    Cover
		Lang     string
		Sections []section
		Style    template.CSS
	}{d.Cover, lang, sections, template.CSS(printStyle)})
	return b.Bytes(), err
}

type section struct {
	ID, Title string
	Body      template.HTML // serialised from the parsed page
}

// pageBody is the content of the page's <main>, rewritten for the
// document.
func pageBody(d Document, included map[string]bool, p Page) (template.HTML, error) {
	doc, err := html.Parse(bytes.NewReader(p.HTML))
	if err != nil {
		return "", err
	}
	main := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Main })
	if main == nil {
		return "", fmt.Errorf("the page has no <main> element")
	}
	rw := rewriter{doc: d, included: included, page: p.Path}
	rw.node(main)
	var b bytes.Buffer
	for c := main.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

// rewriter rewrites one page's nodes for the composed document.
type rewriter struct {
	doc      Document
	included map[string]bool
	page     string
}

// dropped elements: scripts (the interactive charts' code and options)
// and what shows only without script (the static chart, printed anyway).
var dropped = []atom.Atom{atom.Script, atom.Noscript, atom.Template, atom.Iframe, atom.Object, atom.Embed}

func (rw rewriter) node(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && slices.Contains(dropped, c.DataAtom) {
			n.RemoveChild(c)
		} else if c.Type == html.ElementNode {
			rw.element(c)
			rw.node(c)
		}
		c = next
	}
}

// idRefs are attributes that hold ids (space-separated).
var idRefs = []string{"id", "for", "headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"}

func (rw rewriter) element(n *html.Node) {
	var attrs []html.Attribute
	for _, a := range n.Attr {
		switch {
		case a.Namespace != "":
		case slices.Contains(idRefs, a.Key):
			a.Val = rw.ids(a.Val)
		case a.Key == "href" && n.DataAtom == atom.A:
			var ok bool
			if a.Val, ok = rw.link(a.Val); !ok {
				continue
			}
		case a.Key == "src":
			var ok bool
			if a.Val, ok = rw.file(a.Val); !ok {
				continue
			}
		case a.Key == "srcset" || strings.HasPrefix(a.Key, "on"):
			continue
		}
		attrs = append(attrs, a)
	}
	if n.DataAtom == atom.Details {
		attrs = append(attrs, html.Attribute{Key: "open"})
	}
	n.Attr = attrs
}

// ids prefixes each id in a space-separated list with the page's slug, so
// that two pages' ids never meet in the document.
func (rw rewriter) ids(v string) string {
	f := strings.Fields(v)
	for i, id := range f {
		f[i] = pageSlug(rw.page) + "--" + id
	}
	return strings.Join(f, " ")
}

// link rewrites a link's href. A link to a printed page (or a place in
// one) becomes a link inside the document; one to the web (http, https,
// mailto) stays; one to anything else of the site points at BaseURL, or,
// without it, is dropped (ok false), leaving its text.
func (rw rewriter) link(href string) (string, bool) {
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	if u.Scheme != "" || u.Host != "" {
		switch strings.ToLower(u.Scheme) {
		case "http", "https", "mailto":
			return href, true
		}
		return "", false
	}
	target := rw.page
	if u.Path != "" {
		target = path.Join(path.Dir(rw.page), u.Path)
		if strings.HasSuffix(u.Path, "/") || target == "." {
			target = path.Join(target, "index.html")
		}
	}
	if rw.included[target] {
		if u.Fragment == "" {
			return "#" + Anchor(target), true
		}
		return "#" + pageSlug(target) + "--" + u.Fragment, true
	}
	if rw.doc.BaseURL == "" || strings.HasPrefix(target, "../") {
		return "", false
	}
	abs := strings.TrimSuffix(rw.doc.BaseURL, "/") + "/" + target
	if u.Fragment != "" {
		abs += "#" + u.Fragment
	}
	return abs, true
}

// file rewrites an image's src to the site file it names, relative to
// the document at the site's root; a file the site does not have, or one
// elsewhere, is dropped.
func (rw rewriter) file(src string) (string, bool) {
	u, err := url.Parse(src)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return "", false
	}
	target := path.Join(path.Dir(rw.page), u.Path)
	if strings.HasPrefix(target, "../") || rw.doc.Has == nil || !rw.doc.Has(target) {
		return "", false
	}
	return (&url.URL{Path: target}).String(), true
}

// printStyle is added after the site's style sheet: a cover, and each
// page starting on a new sheet.
const printStyle = `
@page { size: A4; }
.pdf-cover { min-height: 80vh; display: flex; flex-direction: column; justify-content: center; }
.pdf-cover h1 { font-size: 2.4rem; margin: 0 0 .5rem; }
.pdf-cover .pdf-subtitle { font-size: 1.2rem; margin: 0 0 1rem; }
.pdf-cover .pdf-period { font-size: 1.1rem; margin: 0 0 2rem; }
.pdf-toc ol { padding-left: 1.2rem; }
.pdf-toc li { margin: .2rem 0; }
.pdf-toc a { text-decoration: none; }
.pdf-page { break-before: page; }
`

var documentTemplate = template.Must(template.New("pdf").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Cover.Title}}</title>
<link rel="stylesheet" href="assets/style.css">
<style>{{.Style}}</style>
</head>
<body>
<main>
<section class="pdf-cover" id="cover">
<h1>{{.Cover.Title}}</h1>
{{with .Cover.Subtitle}}<p class="pdf-subtitle">{{.}}</p>
{{end}}{{with .Cover.Period}}<p class="pdf-period">{{.}}</p>
{{end}}<div class="pdf-toc">
<h2>Contents</h2>
<ol>
{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>
{{end}}</ol>
</div>
{{with .Cover.Generated}}<p class="generated">Generated {{.}}</p>
{{end}}</section>
{{range .Sections}}<section class="pdf-page" id="{{.ID}}">
{{.Body}}
</section>
{{end}}</main>
</body>
</html>
`))
