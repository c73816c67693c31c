package pdf

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// sitePage is a page as the site writes it, around body.
func sitePage(title, body string) []byte {
	return []byte(`<!doctype html><html><head><title>` + title + `</title><script src="assets/echarts.min.js"></script></head><body>
<nav><a href="index.html">Home</a></nav><main id="content"><article><h1>` + title + `</h1>` + body + `</article></main><footer>Colophon</footer></body></html>`)
}

func compose(t *testing.T, d Document) *html.Node {
	t.Helper()
	b, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// attrs returns the value of attribute key on every element that has it,
// in document order.
func attrs(n *html.Node, key string) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == key {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestComposeLinks(t *testing.T) {
	d := Document{
		Cover: Cover{Title: "Brief", Period: "March 2022", Generated: "Jan 2, 2024 10:00 UTC"},
		Pages: []Page{
			{Path: "index.html", Title: "Overview", HTML: sitePage("Overview",
				`<p><a href="customers.html">all</a> <a href="customer/tiktok.html#spend">spend</a> <a href="#note">note</a> <a href="customer/walmart.html">left out</a> <a href="https://example.com/x">web</a> <a href="javascript:alert(1)">js</a></p><p id="note">n</p>`)},
			{Path: "customers.html", Title: "Customers", HTML: sitePage("Customers", `<p>x</p>`)},
			{Path: "customer/tiktok.html", Title: "TikTok", HTML: sitePage("TikTok",
				`<p id="spend"><a href="../index.html">back</a> <img src="../assets/charts/a.svg" alt=""> <img src="../nowhere.svg" alt=""></p>`)},
		},
		Has: func(name string) bool { return name == "assets/charts/a.svg" },
	}
	doc := compose(t, d)
	hrefs := attrs(doc, "href")
	want := []string{
		"assets/style.css",                                        // the site's style sheet
		"#page-index", "#page-customers", "#page-customer-tiktok", // the contents
		"#page-customers", "#customer-tiktok--spend", "#index--note", "https://example.com/x",
		"#page-index",
	}
	if strings.Join(hrefs, " ") != strings.Join(want, " ") {
		t.Errorf("hrefs:\n got %q\nwant %q", hrefs, want)
	}
	ids := strings.Join(attrs(doc, "id"), " ")
	for _, id := range []string{"page-index", "index--note", "page-customer-tiktok", "customer-tiktok--spend", "index--content"} {
		if id == "index--content" {
			if strings.Contains(ids, id) {
				t.Errorf("the page's <main> came along: ids %s", ids)
			}
			continue
		}
		if !strings.Contains(" "+ids+" ", " "+id+" ") {
			t.Errorf("no id %s in %s", id, ids)
		}
	}
	if srcs := attrs(doc, "src"); len(srcs) != 1 || srcs[0] != "assets/charts/a.svg" {
		t.Errorf("image sources %q, want only the site's chart image, from the root", srcs)
	}
	body := text(doc)
	for _, s := range []string{"Brief", "March 2022", "Generated Jan 2, 2024 10:00 UTC", "left out", "js"} {
		if !strings.Contains(body, s) {
			t.Errorf("the document does not show %q", s)
		}
	}
	if strings.Contains(body, "Home") || strings.Contains(body, "Colophon") {
		t.Errorf("the navigation or footer of a page came along:\n%s", body)
	}
}

func TestComposeKeepsTextAsText(t *testing.T) {
	const name = `</script><script>window.pwned=1</script><img src=x onerror=alert(1)>`
	esc := html.EscapeString(name)
	d := Document{
		Cover: Cover{Title: name},
		Pages: []Page{{Path: "index.html", Title: name, HTML: sitePage(esc,
			`<table><tr><td>`+esc+`</td></tr></table><script>window.x=1</script><noscript><img src="a.svg"></noscript><div onclick="x()">d</div>`)}},
	}
	doc := compose(t, d)
	if n := strings.Count(text(doc), name); n < 4 { // title, cover, contents, h1, cell
		t.Errorf("the name shows %d times as text, want at least 4:\n%s", n, text(doc))
	}
	var elems []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			elems = append(elems, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, e := range elems {
		if e == "script" || e == "img" || e == "noscript" {
			t.Errorf("the document has a <%s> element", e)
		}
	}
	if on := attrs(doc, "onclick"); len(on) > 0 {
		t.Errorf("an event handler came along: %q", on)
	}
}
