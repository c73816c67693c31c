package build

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/site"
)

// element is what a reader's browser would find in a page: the elements
// named tag, with their attributes and text.
type element struct {
	attrs map[string]string
	text  string
}

// elements parses page as a browser with scripting off would (so that
// <noscript> holds elements) and lists the elements named tag.
func elements(t *testing.T, page []byte, tag string) []element {
	t.Helper()
	doc, err := html.ParseWithOptions(bytes.NewReader(page), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var out []element
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			e := element{attrs: map[string]string{}}
			for _, a := range n.Attr {
				e.attrs[a.Key] = a.Val
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.TextNode {
					e.text += c.Data
				}
			}
			out = append(out, e)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

const (
	testCSS = "body { color: #123456 }\n/* </style><script>x()</script> */\n"
	testJS  = "window.loaded = 1 < 2;\n"
)

var testPNG = []byte("\x89PNG\r\n\x1a\nnot really")

func TestSingleFileInlines(t *testing.T) {
	page := `<!doctype html>
<html><head>
<link href="../assets/site.css" rel="stylesheet">
<LINK REL='Stylesheet' HREF=../assets/site.css media=print>
<link rel="alternate stylesheet" href="../assets/site.css" title="other">
<link rel="icon" href="data:,">
<script src="https://cdn.example/x.js"></script>
</head><body>
<p title="&lt;b&gt; &amp; co">Tom &amp; Jerry</p>
<noscript><img alt="chart" src="../assets/charts/c.svg" width=800></noscript>
<img src="../images/logo.png?v=2" alt="Logo" />
<img src="../images/missing.png" alt="gone">
<script defer src="../assets/app.js" integrity="sha384-x" crossorigin="anonymous" data-x="1"></script>
</body></html>
`
	files := site.Files{
		"assets/site.css":     []byte(testCSS),
		"assets/app.js":       []byte(testJS),
		"assets/charts/c.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"images/logo.png":     testPNG,
		"robots.txt":          []byte("User-agent: *\n"),
		"section/page.html":   []byte(page),
		"section/unused.html": []byte("<p>plain</p>"),
	}
	out, err := SingleFile(files)
	if err != nil {
		t.Fatal(err)
	}
	for name := range out {
		if strings.HasPrefix(name, "assets/") {
			t.Errorf("single-file output still has %s", name)
		}
	}
	if string(out["robots.txt"]) != "User-agent: *\n" || !bytes.Equal(out["images/logo.png"], testPNG) {
		t.Errorf("static files did not pass through: %q", sortedNames(out))
	}
	if string(out["section/unused.html"]) != "<p>plain</p>" {
		t.Errorf("a page with nothing to inline changed: %q", out["section/unused.html"])
	}
	got := out["section/page.html"]

	styles := elements(t, got, "style")
	if len(styles) != 2 {
		t.Fatalf("page has %d <style> elements, want 2 (href before rel, and upper case):\n%s", len(styles), got)
	}
	for _, s := range styles {
		if !strings.Contains(s.text, "color: #123456") || strings.Contains(s.text, "</style>") {
			t.Errorf("<style> holds %q; want the stylesheet, with </style escaped", s.text)
		}
	}
	if styles[1].attrs["media"] != "print" {
		t.Errorf("the print stylesheet lost its media: %v", styles[1].attrs)
	}
	links := elements(t, got, "link")
	if len(links) != 2 || links[0].attrs["rel"] != "alternate stylesheet" || links[1].attrs["rel"] != "icon" {
		t.Errorf("links left = %v; want the alternate stylesheet and the icon", links)
	}
	scripts := elements(t, got, "script")
	if len(scripts) != 2 || scripts[0].attrs["src"] != "https://cdn.example/x.js" {
		t.Fatalf("scripts = %v; want the CDN one kept and app.js inlined", scripts)
	}
	if s := scripts[1]; s.text != testJS || s.attrs["src"] != "" || s.attrs["integrity"] != "" || s.attrs["data-x"] != "1" {
		t.Errorf("inlined script = %+v; want app.js's text, no src or integrity, other attributes kept", s)
	}
	imgs := elements(t, got, "img")
	if len(imgs) != 3 {
		t.Fatalf("page has %d images, want 3", len(imgs))
	}
	for i, want := range [][]byte{files["assets/charts/c.svg"], testPNG} {
		typ, data, ok := strings.Cut(imgs[i].attrs["src"], ";base64,")
		b, err := base64.StdEncoding.DecodeString(data)
		if !ok || err != nil || !bytes.Equal(b, want) || !strings.HasPrefix(typ, "data:image/") {
			t.Errorf("image %d src = %.60q; want a data: URL of the file", i, imgs[i].attrs["src"])
		}
	}
	if imgs[0].attrs["alt"] != "chart" || imgs[0].attrs["width"] != "800" || imgs[1].attrs["alt"] != "Logo" {
		t.Errorf("images lost attributes: %v %v", imgs[0].attrs, imgs[1].attrs)
	}
	if imgs[2].attrs["src"] != "../images/missing.png" {
		t.Errorf("a missing image's src became %q; want it as it was", imgs[2].attrs["src"])
	}
	if p := elements(t, got, "p"); len(p) != 1 || p[0].attrs["title"] != "<b> & co" || p[0].text != "Tom & Jerry" {
		t.Errorf("the rest of the page changed: %v", p)
	}
}

func TestSingleFileRefusesScriptClose(t *testing.T) {
	files := site.Files{
		"assets/bad.js": []byte(`var s = "</SCRIPT>";`),
		"index.html":    []byte(`<script src="assets/bad.js"></script>`),
	}
	if _, err := SingleFile(files); err == nil || !strings.Contains(err.Error(), "</script") {
		t.Errorf("inlining a script that closes the element: err = %v", err)
	}
}

// TestSingleFileBuildHrefBeforeRel builds a site whose template writes
// href before rel, as single-file pages: the stylesheet is inside the page.
func TestSingleFileBuildHrefBeforeRel(t *testing.T) {
	base := `<!doctype html><html><head><title>{{.Page.Title}}</title>
<link href="{{.Root}}assets/style.css" rel="stylesheet"></head>
<body>{{template "page.html" .}}</body></html>
`
	fsys := fstest.MapFS{
		"site.toml":           {Data: []byte("title = \"Order\"\n")},
		"content/index.md":    {Data: []byte("+++\ntitle = \"Home\"\n+++\nHello.\n")},
		"content/a/deep.md":   {Data: []byte("+++\ntitle = \"Deep\"\n+++\nDown here.\n")},
		"templates/base.html": {Data: []byte(base)},
	}
	var mem site.Memory
	opt := Options{ECharts: echartsForTest(t), Output: func(*config.Site) (site.Writer, error) { return NewSingleFile(&mem), nil }}
	if _, err := Build(fsys, opt); err != nil {
		t.Fatal(err)
	}
	files := mem.Files()
	css := string(site.Asset("style.css"))
	for _, name := range []string{"index.html", "a/deep.html"} {
		if links := elements(t, files[name], "link"); len(links) != 0 {
			t.Errorf("%s still links %v", name, links)
		}
		styles := elements(t, files[name], "style")
		if len(styles) != 1 || strings.TrimSpace(styles[0].text) != strings.TrimSpace(css) {
			t.Errorf("%s: want the site's stylesheet in one <style>, got %d", name, len(styles))
		}
	}
	if _, ok := files["assets/style.css"]; ok {
		t.Errorf("single-file output still has assets/style.css")
	}
	if len(css) == 0 {
		t.Fatal("no built-in stylesheet")
	}
}
