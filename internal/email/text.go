package email

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/briefing-dev/briefing/internal/config"
)

// plainText writes the text part from the styled content: headings
// underlined, paragraphs wrapped at 72 columns, lists with dashes, links
// with their address, charts by their alt text, tables in columns.
func plainText(cfg *config.Site, subject string, content []byte) []byte {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(content), ctx)
	if err != nil {
		return []byte(subject + "\n")
	}
	t := &textWriter{}
	t.heading(cfg.Title, '=')
	if cfg.Period != "" {
		t.para(cfg.Period)
	}
	for _, n := range nodes {
		t.block(n)
	}
	if cfg.BaseURL != "" {
		t.para("Read the full briefing, with interactive charts: " + cfg.BaseURL)
	}
	return []byte(strings.TrimRight(t.b.String(), "\n") + "\n")
}

type textWriter struct{ b strings.Builder }

func (t *textWriter) heading(s string, under rune) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	t.b.WriteString(s + "\n" + strings.Repeat(string(under), utf8.RuneCountInString(s)) + "\n\n")
}

func (t *textWriter) para(s string) { t.prefixed(s, "", "") }

// prefixed wraps s at 72 columns; the first line starts with first, the
// others with rest.
func (t *textWriter) prefixed(s, first, rest string) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return
	}
	line, n := first, utf8.RuneCountInString(first)
	for i, w := range words {
		wl := utf8.RuneCountInString(w)
		if i > 0 && n+1+wl > 72 {
			t.b.WriteString(line + "\n")
			line, n = rest+w, utf8.RuneCountInString(rest)+wl
			continue
		}
		if i > 0 {
			line += " "
			n++
		}
		line += w
		n += wl
	}
	t.b.WriteString(line + "\n\n")
}

func (t *textWriter) block(n *xhtml.Node) {
	if n.Type == xhtml.TextNode {
		t.para(n.Data)
		return
	}
	if n.Type != xhtml.ElementNode {
		return
	}
	switch n.Data {
	case "h1":
		t.heading(inline(n), '=')
	case "h2", "h3":
		t.heading(inline(n), '-')
	case "p":
		t.para(inline(n))
	case "ul", "ol":
		i := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode && c.Data == "li" {
				i++
				mark := "- "
				if n.Data == "ol" {
					mark = strconv.Itoa(i) + ". "
				}
				before := t.b.Len()
				t.prefixed(inline(c), mark, strings.Repeat(" ", len(mark)))
				// Items sit close together: drop the blank line.
				if t.b.Len() > before {
					s := t.b.String()
					t.b.Reset()
					t.b.WriteString(strings.TrimSuffix(s, "\n"))
				}
			}
		}
		t.b.WriteString("\n")
	case "blockquote":
		var inner textWriter
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			inner.block(c)
		}
		for _, l := range strings.Split(strings.TrimRight(inner.b.String(), "\n"), "\n") {
			t.b.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		}
		t.b.WriteString("\n")
	case "table":
		t.table(n)
	case "img":
		t.para("[Chart] " + attr(n, "alt"))
	case "hr":
		t.b.WriteString(strings.Repeat("-", 40) + "\n\n")
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			t.block(c)
		}
	}
}

// inline flattens an element's text, writing links as "text <url>".
func inline(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
		case n.Type == xhtml.ElementNode && n.Data == "img":
			b.WriteString("[Chart] " + attr(n, "alt"))
		case n.Type == xhtml.ElementNode && n.Data == "sup":
			b.WriteString("[" + textOf(n) + "]")
		case n.Type == xhtml.ElementNode && n.Data == "a":
			text := textOf(n)
			b.WriteString(text)
			if href := attr(n, "href"); href != "" && !strings.HasPrefix(href, "#") && href != text {
				b.WriteString(" <" + href + ">")
			}
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	// The HTML's number cells hold no-break spaces and hyphens; plain
	// text wants the ordinary ones (Fields splits at a no-break space).
	return strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\u2011", "-")), " ")
}

func textOf(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// table lays a table out in columns padded to their widest cell.
func (t *textWriter) table(n *xhtml.Node) {
	var rows [][]string
	var right []bool
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.Data == "tr" {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == xhtml.ElementNode && (c.Data == "td" || c.Data == "th") {
					i := len(row)
					row = append(row, inline(c))
					for len(right) <= i {
						right = append(right, false)
					}
					if strings.Contains(attr(c, "style"), "text-align:right") {
						right[i] = true
					}
				}
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	width := make([]int, len(right))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var cells []string
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if right[i] {
				cells = append(cells, pad+c)
			} else {
				cells = append(cells, c+pad)
			}
		}
		t.b.WriteString(strings.TrimRight(strings.Join(cells, "  "), " ") + "\n")
	}
	t.b.WriteString("\n")
}

// preheader is the line inbox lists show after the subject: [email]
// preheader, else the first sentence of the email's first paragraph.
func preheader(cfg *config.Site, content []byte) string {
	if p := strings.TrimSpace(cfg.Email.Preheader); p != "" {
		return p
	}
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(content), ctx)
	if err != nil {
		return ""
	}
	for _, n := range nodes {
		if p := firstParagraph(n); p != "" {
			return firstSentence(p)
		}
	}
	return ""
}

// firstParagraph is the text of the first paragraph or list item in n.
func firstParagraph(n *xhtml.Node) string {
	if n.Type == xhtml.ElementNode && (n.Data == "p" || n.Data == "li") {
		return textOf(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if p := firstParagraph(c); p != "" {
			return p
		}
	}
	return ""
}

// maxPreheader is the longest preheader made from the text, in
// characters: inbox lists show fewer.
const maxPreheader = 140

// firstSentence is s up to the end of its first sentence: a '.', '!' or
// '?' before a space and a capital letter, or the end. "$1.2M" and "e.g.
// a" do not end one. A longer sentence is cut at a word and ends in "…".
func firstSentence(s string) string {
	r := []rune(s)
	end := len(r)
	for i := 0; i+2 < len(r); i++ {
		if strings.ContainsRune(".!?", r[i]) && r[i+1] == ' ' && unicode.IsUpper(r[i+2]) {
			end = i + 1
			break
		}
	}
	if end <= maxPreheader {
		return string(r[:end])
	}
	cut := strings.LastIndex(string(r[:maxPreheader]), " ")
	if cut <= 0 {
		return string(r[:maxPreheader]) + "…"
	}
	return strings.TrimRight(string(r[:maxPreheader])[:cut], " ,;:") + "…"
}
